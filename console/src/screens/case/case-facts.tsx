import { useState } from 'react';
import { Button, Descriptions, Steps, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CaseView, ReasonsResponse } from '../../api/types';
import { localeOf } from '../../i18n';
import { formatMoney } from '../../lib/money';
import { useSession } from '../../shell/session';
import { Countdown } from '../../ui/countdown';
import { consequenceOf, deadlineName, reasonLabel } from '../../ui/labels';

const STEPS = ['contact', 'verify', 'apologise', 'propose', 'followUp', 'archive'] as const;

function stepIndex(view: CaseView): number {
  if (view.status === 'archived') return 6;
  const state = view.state;
  if (state.startsWith('open.')) return STEPS.indexOf(state.slice(5) as (typeof STEPS)[number]);
  if (state === 'awaitingBuyer' || state.startsWith('negotiating')) return 3;
  return 4;
}

/** 联系买家→核实情况→安抚致歉→协调方案→跟进处理→备案登记, skipped steps marked. */
export function PlaybookStepper({ view }: { view: CaseView }) {
  const { t } = useTranslation();
  const current = stepIndex(view);
  const skipped = new Set<string>(view.skippedSteps ?? []);
  return (
    <nav aria-label={t('case.stepper')}>
      <Steps
        size="small"
        current={Math.min(current, 5)}
        status={view.status === 'archived' ? 'finish' : 'process'}
        data-testid="stepper"
        items={STEPS.map((step, index) => ({
          title: t(`step.${step}`),
          status: skipped.has(step) ? 'error' : undefined,
          content: skipped.has(step) ? (
            <span data-testid={`step-skipped-${step}`}>{t('case.skipped')}</span>
          ) : index === current && view.disputed ? (
            t('intervened')
          ) : undefined,
        }))}
      />
    </nav>
  );
}

export function Deadlines({ view }: { view: CaseView }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const amount = formatMoney(view.amounts.requested, view.currency, localeOf(i18n.language));
  return (
    <section className="panel" aria-labelledby="deadlines-heading">
      <h2 id="deadlines-heading">{t('case.deadlines')}</h2>
      {view.deadlines.length === 0 ? (
        <p className="muted">{t('case.noDeadlines')}</p>
      ) : (
        <ul className="deadline-list">
          {view.deadlines.map((d) => (
            <li key={d.timer} data-testid={`deadline-${d.timer}`}>
              <Countdown dueAt={d.dueAt} label={deadlineName(t, d.timer, session)} consequence={consequenceOf(t, d.timer, amount, view.type)} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function mask(value: string | undefined | null, kind: 'phone' | 'address'): string {
  if (!value) return '—';
  if (kind === 'phone') return value.length >= 7 ? `${value.slice(0, 3)}****${value.slice(-4)}` : '****';
  return value.length > 6 ? `${value.slice(0, 6)}******` : '******';
}

export function CaseFacts({ view, reasons }: { view: CaseView; reasons: ReasonsResponse | undefined }) {
  const { t, i18n } = useTranslation();
  const [revealed, setRevealed] = useState(false);
  const locale = localeOf(i18n.language);
  const money = (fen: number) => formatMoney(fen, view.currency, locale);
  const buyer = view.buyer as { id?: string; nickname?: string; phone?: string; address?: string } | null;
  const order = view.order;
  const claimed = view.reasons.claimed;
  const verified = view.reasons.verified;
  const reasonText = (r: typeof claimed) =>
    r ? (
      <>
        {reasonLabel(reasons?.reasons, r.code, i18n.language)}{' '}
        {r.category && (
          <Tag
            color={r.category === 'quality' ? 'volcano' : 'default'}
            className={r.category === 'quality' ? 'quality-tag' : undefined}
            data-testid="quality-badge"
          >
            {t(`category.${r.category}`)}
          </Tag>
        )}
      </>
    ) : (
      <span className="muted">{t('case.notVerified')}</span>
    );

  return (
    <>
      <section className="panel" aria-labelledby="amounts-heading">
        <h2 id="amounts-heading">{t('case.amounts')}</h2>
        <div className="amount-grid" data-testid="amounts">
          <div>
            <span className="muted small">{t('case.requested')}</span>
            <strong>{money(view.amounts.requested)}</strong>
          </div>
          <div>
            <span className="muted small">{t('case.reserved')}</span>
            <strong>{money(view.amounts.reserved)}</strong>
          </div>
          <div>
            <span className="muted small">{t('case.refunded')}</span>
            <strong>{money(view.amounts.refunded)}</strong>
          </div>
          {order && (
            <div>
              <span className="muted small">{t('case.paid')}</span>
              <strong>{money(order.paidTotal)}</strong>
            </div>
          )}
          {order && (
            <div>
              <span className="muted small">{t('case.refundable')}</span>
              <strong>{money(order.paidTotal - order.reservedTotal - order.refundedTotal)}</strong>
            </div>
          )}
        </div>
        {order && (
          <div className="money-bar" aria-hidden>
            <span className="bar-refunded" style={{ width: `${(100 * order.refundedTotal) / Math.max(order.paidTotal, 1)}%` }} />
            <span className="bar-reserved" style={{ width: `${(100 * order.reservedTotal) / Math.max(order.paidTotal, 1)}%` }} />
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="reasons-heading">
        <h2 id="reasons-heading">{t('case.reasons')}</h2>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('case.claimed')}>
            {reasonText(claimed)}
            {view.reasons.platformReason && <span className="muted small"> · {view.reasons.platformReason}</span>}
          </Descriptions.Item>
          <Descriptions.Item label={t('case.verified')}>{reasonText(verified)}</Descriptions.Item>
          {view.reasons.recodedToNonQuality && (
            <Descriptions.Item label=" ">
              <Tag color="warning">{t('case.recoded')}</Tag>
            </Descriptions.Item>
          )}
          {view.buyerText && <Descriptions.Item label={t('case.buyerText')}>{view.buyerText}</Descriptions.Item>}
        </Descriptions>
      </section>
      <section className="panel" aria-labelledby="buyer-heading">
        <h2 id="buyer-heading">
          {t('case.buyer')}
          <Button type="link" size="small" onClick={() => setRevealed((r) => !r)} data-testid="reveal-buyer" aria-pressed={revealed}>
            {revealed ? t('case.hide') : t('case.reveal')}
          </Button>
        </h2>
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('search.buyer')}>{buyer?.nickname ?? buyer?.id ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('case.phone')}>
            <span data-testid="buyer-phone">{revealed ? (buyer?.phone ?? '—') : mask(buyer?.phone, 'phone')}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('case.address')}>
            <span data-testid="buyer-address">{revealed ? (buyer?.address ?? '—') : mask(buyer?.address, 'address')}</span>
          </Descriptions.Item>
        </Descriptions>
      </section>
      {order && (
        <section className="panel" aria-labelledby="order-heading">
          <h2 id="order-heading">
            {t('case.order')} <span className="muted small">{order.orderId}</span>
          </h2>
          <ul className="order-items">
            {order.items.map((item) => (
              <li key={item.sku}>
                <span className="ellipsis">{item.title}</span>
                <span className="muted small">
                  {item.sku} × {item.quantity}
                </span>
                <span>{money(item.unitPrice * item.quantity)}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
