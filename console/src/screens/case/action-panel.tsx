import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Form, Input, Select, Space, Typography } from 'antd';
import { SendOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { CaseView, EvidenceList, ReasonsResponse } from '../../api/types';
import { localeOf } from '../../i18n';
import { useShortcut } from '../../keyboard/keyboard';
import { setPath, type FieldSpec } from '../../lib/event-schema';
import { blocks, type Finding } from '../../lib/guard-offsets';
import { fenToYuanText, formatMoney, yuanToFen } from '../../lib/money';
import { useSession } from '../../shell/session';
import { Composer, type ComposerHandle } from './composer';
import { BUYER_FACING } from './event-forms';

export interface Draft {
  event?: string;
  values: Record<string, string>;
  note: string;
  override: string;
}

const draftKey = (caseId: string) => `as.draft.${caseId}`;

export function loadDraft(caseId: string): Draft {
  try {
    const raw = localStorage.getItem(draftKey(caseId));
    if (raw) return { values: {}, note: '', override: '', ...(JSON.parse(raw) as Partial<Draft>) };
  } catch {
    /* unreadable draft: start fresh */
  }
  return { values: {}, note: '', override: '' };
}

export function clearDraft(caseId: string): void {
  try {
    localStorage.removeItem(draftKey(caseId));
  } catch {
    /* private mode */
  }
}

interface Props {
  caseView: CaseView;
  events: string[];
  forms: Record<string, FieldSpec[]>;
  reasons: ReasonsResponse | undefined;
  evidence: EvidenceList | undefined;
  sending: boolean;
  serverFindings: Finding[] | null;
  onSend(payload: Record<string, unknown>, andNext: boolean): Promise<boolean>;
}

/**
 * Exactly the events this case allows an agent now, each with a form generated from the event's schema,
 * plus domain hints where they matter (VERIFY's effect on the quality refund rate, PROPOSE's refundable cap).
 */
export function ActionPanel({ caseView, events, forms, reasons, evidence, sending, serverFindings, onSend }: Props) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const composer = useRef<ComposerHandle>(null);
  const [draft, setDraft] = useState<Draft>(() => loadDraft(caseView.id));
  const [findings, setFindings] = useState<Finding[]>([]);
  const [localError, setLocalError] = useState<string | null>(null);
  const locale = localeOf(i18n.language);
  const event = draft.event && events.includes(draft.event) ? draft.event : events[0];
  const fields = (event && forms[event]) || [];
  const buyerFacing = event ? BUYER_FACING.has(event) && fields.some((f) => f.name === 'note') : false;
  const supervisor = session.agent.role === 'supervisor';

  useEffect(() => {
    if (serverFindings) setFindings(serverFindings);
  }, [serverFindings]);

  useEffect(() => {
    const timer = window.setTimeout(() => {
      try {
        localStorage.setItem(draftKey(caseView.id), JSON.stringify(draft));
      } catch {
        /* quota or private mode: the draft lives in memory */
      }
    }, 300);
    return () => window.clearTimeout(timer);
  }, [draft, caseView.id]);

  const setValue = (name: string, value: string) => setDraft((d) => ({ ...d, values: { ...d.values, [name]: value } }));

  const order = caseView.order;
  const refundable = order ? order.paidTotal - order.reservedTotal - order.refundedTotal : null;
  const reasonList = reasons?.reasons ?? [];
  const claimedCategory = caseView.reasons.claimed?.category;
  const chosenReason = reasonList.find((r) => r.code === draft.values.verifiedReasonCode);
  const recoding = event === 'VERIFY' && claimedCategory === 'quality' && chosenReason?.category === 'non_quality';
  const blocked = buyerFacing && blocks(findings);

  const build = (): Record<string, unknown> | string => {
    const payload: Record<string, unknown> = { type: event };
    for (const field of fields) {
      if (buyerFacing && field.name === 'note') {
        if (!draft.note.trim()) return t('login.required', { field: t('field.note') });
        setPath(payload, 'note', draft.note);
        continue;
      }
      const raw = (draft.values[field.name] ?? '').trim();
      const required = field.required || (event === 'VERIFY' && field.name === 'note' && recoding);
      if (!raw) {
        if (required) return t('login.required', { field: t(`field.${field.name}`, { defaultValue: field.name }) });
        continue;
      }
      if (field.kind === 'money') {
        const fen = yuanToFen(raw);
        if (fen === null || (field.max !== undefined && fen > field.max)) return `${t(`field.${field.name}`, { defaultValue: field.name })}: ${raw}`;
        setPath(payload, field.name, fen);
      } else if (field.kind === 'integer' || field.kind === 'number') {
        setPath(payload, field.name, Number(raw));
      } else if (field.kind === 'boolean') {
        setPath(payload, field.name, raw === 'true');
      } else {
        setPath(payload, field.name, raw);
      }
    }
    if (buyerFacing && draft.override.trim() && supervisor) payload.guardOverride = { reason: draft.override.trim() };
    return payload;
  };

  const send = async (andNext: boolean) => {
    if (!event || sending) return;
    const payload = build();
    if (typeof payload === 'string') {
      setLocalError(payload);
      return;
    }
    if (blocked && !(supervisor && draft.override.trim())) return;
    setLocalError(null);
    const ok = await onSend(payload, andNext);
    if (ok) {
      clearDraft(caseView.id);
      setDraft({ values: {}, note: '', override: '' });
      setFindings([]);
    }
  };

  useShortcut('case.send', () => void send(false), Boolean(event));
  useShortcut('case.sendNext', () => void send(true), Boolean(event));
  useShortcut('case.reply', () => composer.current?.focus(), buyerFacing);
  useShortcut('case.canned', () => composer.current?.openCanned(), buyerFacing);

  const optionLabel = (field: FieldSpec, option: string): string => {
    if (field.name === 'verifiedReasonCode') {
      const reason = reasonList.find((r) => r.code === option);
      return reason ? `${i18n.language === 'en' ? reason.labels.en : reason.labels.zh} · ${t(`category.${reason.category}`)}` : option;
    }
    return t(`${field.name}.${option}`, { defaultValue: t(`resolution.${option}`, { defaultValue: option }) });
  };

  const renderField = (field: FieldSpec) => {
    if (buyerFacing && field.name === 'note') return null;
    const label = event === 'VERIFY' && field.name === 'note' ? t('case.recodeNote') : t(`field.${field.name}`, { defaultValue: field.name });
    const value = draft.values[field.name] ?? '';
    const required = field.required || (event === 'VERIFY' && field.name === 'note' && recoding);
    const id = `field-${field.name}`;
    let control;
    if (field.kind === 'enum') {
      const options = field.options?.length ? field.options : field.name === 'verifiedReasonCode' ? reasonList.map((r) => r.code) : [];
      control = (
        <Select
          id={id}
          value={value || undefined}
          onChange={(v: string) => setValue(field.name, v)}
          options={options.map((o) => ({ value: o, label: optionLabel(field, o) }))}
          data-testid={`field-${field.name}`}
          aria-label={label}
          showSearch={options.length > 8}
          optionFilterProp="label"
        />
      );
    } else if (field.kind === 'money') {
      control = (
        <Input
          id={id}
          inputMode="decimal"
          prefix="¥"
          value={value}
          onChange={(e) => setValue(field.name, e.target.value)}
          data-testid={`field-${field.name}`}
          placeholder={refundable !== null ? fenToYuanText(Math.max(0, Math.min(refundable, caseView.amounts.requested))) : undefined}
        />
      );
    } else if (field.kind === 'textarea') {
      control = (
        <Input.TextArea
          id={id}
          autoSize={{ minRows: 2, maxRows: 6 }}
          maxLength={field.maxLength}
          value={value}
          onChange={(e) => setValue(field.name, e.target.value)}
          data-testid={`field-${field.name}`}
        />
      );
    } else {
      control = (
        <Input
          id={id}
          maxLength={field.maxLength}
          value={value}
          onChange={(e) => setValue(field.name, e.target.value)}
          data-testid={`field-${field.name}`}
          type={field.kind === 'integer' || field.kind === 'number' ? 'number' : 'text'}
        />
      );
    }
    return (
      <Form.Item key={field.name} label={label} htmlFor={id} required={required} className="action-field">
        {control}
      </Form.Item>
    );
  };

  if (events.length === 0) {
    return (
      <section className="panel action-panel" aria-labelledby="actions-heading">
        <h2 id="actions-heading">{t('case.actions')}</h2>
        <Typography.Text type="secondary" data-testid="no-actions">
          {caseView.status === 'archived' ? t('case.archivedNote', { outcome: caseView.outcome ? t(`outcome.${caseView.outcome}`) : '' }) : t('case.noActions')}
        </Typography.Text>
      </section>
    );
  }

  return (
    <section className="panel action-panel" aria-labelledby="actions-heading">
      <h2 id="actions-heading">{t('case.actions')}</h2>
      <div className="action-buttons" role="radiogroup" aria-label={t('case.actions')}>
        {events.map((type) => (
          <Button
            key={type}
            role="radio"
            aria-checked={type === event}
            type={type === event ? 'primary' : 'default'}
            size="small"
            data-testid={`action-${type}`}
            onClick={() => setDraft((d) => ({ ...d, event: type }))}
          >
            {t(`event.${type}`, { defaultValue: type })}
          </Button>
        ))}
      </div>
      <Form layout="vertical" className="action-form" onSubmitCapture={(e) => e.preventDefault()}>
        {fields.map(renderField)}
        {event === 'VERIFY' && chosenReason && (
          <Alert
            type={recoding ? 'warning' : 'info'}
            showIcon
            data-testid="verify-effect"
            title={t('case.qualityEffect', {
              to: i18n.language === 'en' ? chosenReason.labels.en : chosenReason.labels.zh,
              effect: recoding ? t('case.toNonQuality') : chosenReason.category === 'quality' ? t('case.toQuality') : t('case.staysNonQuality'),
            })}
          />
        )}
        {event === 'PROPOSE' && order && refundable !== null && (
          <Typography.Paragraph type="secondary" className="hint" data-testid="refundable-cap">
            {t('case.refundableCap', {
              amount: formatMoney(refundable, caseView.currency, locale),
              paid: formatMoney(order.paidTotal, caseView.currency, locale),
              refunded: formatMoney(order.refundedTotal, caseView.currency, locale),
              reserved: formatMoney(order.reservedTotal, caseView.currency, locale),
            })}
          </Typography.Paragraph>
        )}
        {event === 'PROPOSE' && draft.values.resolution === 'reject' && (
          <Alert type="warning" showIcon title={t('case.rejectWarning', { days: session.shop.policy.buyerEscalationDays })} />
        )}
        {event === 'SUBMIT_EVIDENCE' && evidence && (
          <Alert
            type="info"
            showIcon
            data-testid="evidence-package"
            title={t('case.evidencePackage', { n: evidence.items.filter((i) => !i.submitted).length })}
          />
        )}
        {buyerFacing && (
          <Composer
            ref={composer}
            caseView={caseView}
            step={event === 'CONTACT_BUYER' ? 'contact' : event === 'APOLOGISE' ? 'apologise' : 'propose'}
            value={draft.note}
            onChange={(note) => setDraft((d) => ({ ...d, note }))}
            findings={findings}
            onFindings={setFindings}
            label={`${t('composer.label')} · ${t('composer.for', { event: t(`event.${event}`) })}`}
          />
        )}
        {blocked && (
          <Alert
            type="error"
            showIcon
            data-testid="send-blocked"
            title={t('case.blockedBy', { rules: [...new Set(findings.filter((f) => f.severity === 'block').map((f) => f.message))].join('；') })}
          />
        )}
        {blocked && supervisor && (
          <Form.Item label={t('case.overrideReason')} htmlFor="override-reason">
            <Input
              id="override-reason"
              value={draft.override}
              onChange={(e) => setDraft((d) => ({ ...d, override: e.target.value }))}
              data-testid="override-reason"
            />
          </Form.Item>
        )}
        {localError && <Alert type="error" showIcon title={localError} data-testid="action-error" />}
        <Space className="send-row">
          <Typography.Text type="secondary" className="small">
            {t('case.sendHint')}
          </Typography.Text>
          <Button
            type="primary"
            icon={<SendOutlined />}
            loading={sending}
            disabled={blocked && !(supervisor && draft.override.trim())}
            onClick={() => void send(false)}
            data-testid="send"
          >
            {blocked && supervisor && draft.override.trim() ? t('case.override') : `${t('case.send')} · ${t(`event.${event}`)}`}
          </Button>
        </Space>
      </Form>
    </section>
  );
}
