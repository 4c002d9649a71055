import { memo, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Select, Spin, Tag, Tooltip, type RefSelectProps } from 'antd';
import { ThunderboltOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/http';
import { keys, useAgents, useQueue, useQueueCounts, useReasons } from '../api/queries';
import type { CaseView, QueueItem } from '../api/types';
import { localeOf, problemText } from '../i18n';
import { useShortcut } from '../keyboard/keyboard';
import { formatMoney } from '../lib/money';
import { useFlashes } from '../live/stream';
import { useSession } from '../shell/session';
import { Countdown } from '../ui/countdown';
import { consequenceOf, deadlineName, reasonLabel } from '../ui/labels';
import { message } from '../ui/feedback';

const ROW_HEIGHT = 68;
const OVERSCAN = 6;
const FILTER_KEYS = ['type', 'step', 'assignee', 'intervened'] as const;
const STEPS = ['contact', 'verify', 'apologise', 'propose', 'followUp', 'dispute'];
const TYPES = ['refund', 'return', 'exchange', 'complaint'];

interface RowProps {
  item: QueueItem;
  index: number;
  selected: boolean;
  flash: boolean;
  assigneeName: string;
  onOpen: (id: string) => void;
  onSelect: (index: number) => void;
}

const QueueRow = memo(function QueueRow({ item, index, selected, flash, assigneeName, onOpen, onSelect }: RowProps) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const reasons = useReasons();
  const locale = localeOf(i18n.language);
  const amount = formatMoney(item.amount, item.currency, locale);
  const category = item.reason.category;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      tabIndex={selected ? 0 : -1}
      className={`queue-row${selected ? ' selected' : ''}${flash ? ' flash' : ''}`}
      style={{ top: index * ROW_HEIGHT, height: ROW_HEIGHT }}
      data-case-id={item.caseId}
      data-testid="queue-row"
      onClick={() => onSelect(index)}
      onDoubleClick={() => onOpen(item.caseId)}
      onKeyDown={(e) => e.key === 'Enter' && onOpen(item.caseId)}
    >
      <div role="cell" className="qc-deadline">
        {item.deadline ? (
          <Countdown
            dueAt={item.deadline.dueAt}
            label={deadlineName(t, item.deadline.timer, session)}
            consequence={consequenceOf(t, item.deadline.timer, amount, item.type)}
          />
        ) : (
          <span className="muted" data-testid="countdown" data-sla="ok">
            {t('queue.noDeadline')}
          </span>
        )}
      </div>
      <div role="cell" className="qc-case">
        <a href={`/cases/${item.caseId}`} onClick={(e) => (e.preventDefault(), onOpen(item.caseId))} className="case-link">
          {item.platformCaseId}
        </a>
        <span className="muted small">{item.orderId}</span>
      </div>
      <div role="cell" className="qc-type">
        <Tag className="tag-type">{t(`caseType.${item.type}`)}</Tag>
        <span className="small">{t(`step.${item.step}`)}</span>
      </div>
      <div role="cell" className="qc-reason">
        <span className="ellipsis">{reasonLabel(reasons.data?.reasons, item.reason.code, i18n.language)}</span>
        <span>
          {category && (
            <Tag
              color={category === 'quality' ? 'volcano' : 'default'}
              className={category === 'quality' ? 'tag-small quality-tag' : 'tag-small'}
              data-testid="quality-badge"
            >
              {t(`category.${category}`)}
            </Tag>
          )}
          {item.intervened && (
            <Tag color="red" className="tag-small" data-testid="intervened-badge">
              {t('intervened')}
            </Tag>
          )}
        </span>
      </div>
      <div role="cell" className="qc-buyer ellipsis">
        {item.buyerNickname ?? '—'}
      </div>
      <div role="cell" className="qc-amount">
        {amount}
      </div>
      <div role="cell" className={`qc-assignee ellipsis${item.assigneeId ? '' : ' muted'}`}>
        {assigneeName}
      </div>
    </div>
  );
});

function SummaryStrip() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const counts = useQueueCounts();
  const c = counts.data;
  const leadHours = session.deadlineWarningLeadMinutes / 60;
  const lead = i18n.language === 'en' ? `${leadHours} h` : `${leadHours} 小时`;
  return (
    <div className="queue-summary" data-testid="queue-summary">
      <span className="summary-item sla-overdue" data-testid="count-overdue">
        <strong>{c ? c.mine.overdue + c.unassigned.overdue : '–'}</strong> {t('queue.overdue')}
      </span>
      <span className="summary-item sla-due_soon" data-testid="count-due-soon">
        <strong>{c ? c.mine.dueSoon + c.unassigned.dueSoon : '–'}</strong> {t('queue.dueSoon')}
      </span>
      {c && c.autoApprove.count > 0 && (
        <span className="summary-item summary-money" data-testid="auto-approve-amount">
          {t('queue.autoApprove', {
            lead,
            amount: formatMoney(c.autoApprove.amount, c.autoApprove.currency, localeOf(i18n.language)),
            count: c.autoApprove.count,
          })}
        </span>
      )}
    </div>
  );
}

export default function Queue() {
  const { t } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined])), [params]);
  const queue = useQueue(filters);
  const agents = useAgents(session.shop.id);
  const flashes = useFlashes();
  const items = queue.data ?? [];
  const [selected, setSelected] = useState(0);
  const [claiming, setClaiming] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const firstFilter = useRef<RefSelectProps>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 800 });

  const names = useMemo(() => new Map((agents.data ?? []).map((a) => [a.id, a.displayName])), [agents.data]);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport({ top: el.scrollTop, height: el.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (selected >= items.length && items.length > 0) setSelected(items.length - 1);
  }, [items.length, selected]);

  const open = useCallback((id: string) => navigate(`/cases/${id}`), [navigate]);

  const move = (delta: number) => {
    if (items.length === 0) return;
    const next = Math.max(0, Math.min(items.length - 1, selected + delta));
    setSelected(next);
    const el = scroller.current;
    if (!el) return;
    const top = next * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const claimNext = async () => {
    setClaiming(true);
    try {
      const claimed = await api<CaseView | undefined>('/v1/queue/claim', { method: 'POST' });
      void client.invalidateQueries({ queryKey: keys.queueAll });
      void client.invalidateQueries({ queryKey: keys.counts });
      void client.invalidateQueries({ queryKey: keys.bootstrap });
      if (!claimed) {
        message.info(t('queue.noneLeft'));
        return;
      }
      client.setQueryData(keys.case(claimed.id), claimed);
      message.success(t('queue.claimed', { id: claimed.platformCaseId }));
      navigate(`/cases/${claimed.id}`);
    } catch (error) {
      message.error(problemText(error));
    } finally {
      setClaiming(false);
    }
  };

  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
    setSelected(0);
  };

  useShortcut('queue.next', () => move(1));
  useShortcut('queue.prev', () => move(-1));
  useShortcut('queue.open', () => items[selected] && open(items[selected].caseId));
  useShortcut('queue.claim', () => void claimNext());
  useShortcut('queue.filter', () => firstFilter.current?.focus());
  useShortcut('queue.clear', () => setParams(new URLSearchParams(), { replace: true }));

  const start = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const end = Math.min(items.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const now = Date.now();

  return (
    <div className="queue-page">
      <div className="page-head">
        <h1>{t('queue.heading')}</h1>
        <SummaryStrip />
        <Tooltip title="n">
          <Button type="primary" icon={<ThunderboltOutlined />} loading={claiming} onClick={() => void claimNext()} data-testid="claim-next">
            {t('queue.claimNext')}
          </Button>
        </Tooltip>
      </div>
      <div className="queue-filters" role="search" aria-label={t('queue.filters.label')}>
        <Select
          ref={firstFilter}
          allowClear
          placeholder={t('queue.filters.type')}
          aria-label={t('queue.filters.type')}
          value={filters.type}
          onChange={(v) => setFilter('type', v)}
          options={TYPES.map((v) => ({ value: v, label: t(`caseType.${v}`) }))}
          data-testid="filter-type"
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t('queue.filters.step')}
          aria-label={t('queue.filters.step')}
          value={filters.step}
          onChange={(v) => setFilter('step', v)}
          options={STEPS.map((v) => ({ value: v, label: t(`step.${v}`) }))}
          data-testid="filter-step"
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t('queue.filters.assignee')}
          aria-label={t('queue.filters.assignee')}
          value={filters.assignee}
          onChange={(v) => setFilter('assignee', v)}
          options={[
            { value: 'me', label: t('queue.filters.mine') },
            { value: 'unassigned', label: t('queue.filters.unassigned') },
          ]}
          data-testid="filter-assignee"
          style={{ width: 130 }}
        />
        <Select
          allowClear
          placeholder={t('queue.filters.intervened')}
          aria-label={t('queue.filters.intervened')}
          value={filters.intervened}
          onChange={(v) => setFilter('intervened', v)}
          options={[
            { value: 'true', label: t('queue.filters.yes') },
            { value: 'false', label: t('queue.filters.no') },
          ]}
          data-testid="filter-intervened"
          style={{ width: 130 }}
        />
        {FILTER_KEYS.some((k) => filters[k]) && (
          <Button type="link" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            {t('queue.filters.clear')}
          </Button>
        )}
        <span className="muted queue-count">
          {queue.isFetching && <Spin size="small" />} {t('queue.rows', { n: items.length })}
        </span>
      </div>
      <div className="queue-table" role="table" aria-label={t('queue.heading')} aria-rowcount={items.length + 1} data-testid="queue-table">
        <div role="rowgroup">
          <div role="row" className="queue-row queue-header" aria-rowindex={1}>
            <div role="columnheader">{t('queue.col.deadline')}</div>
            <div role="columnheader">{t('queue.col.case')}</div>
            <div role="columnheader">{t('queue.col.type')}</div>
            <div role="columnheader">{t('queue.col.reason')}</div>
            <div role="columnheader">{t('queue.col.buyer')}</div>
            <div role="columnheader" className="qc-amount">
              {t('queue.col.amount')}
            </div>
            <div role="columnheader">{t('queue.col.assignee')}</div>
          </div>
        </div>
        <div
          role="rowgroup"
          className="queue-body"
          ref={scroller}
          onScroll={(e) => setViewport({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
        >
          {queue.isPending ? (
            <div className="page-loading">
              <Spin />
            </div>
          ) : items.length === 0 ? (
            <p className="queue-empty muted">{t('queue.empty')}</p>
          ) : (
            <div style={{ height: items.length * ROW_HEIGHT, position: 'relative' }}>
              {items.slice(start, end).map((item, offset) => {
                const index = start + offset;
                return (
                  <QueueRow
                    key={item.caseId}
                    item={item}
                    index={index}
                    selected={index === selected}
                    flash={now - (flashes.get(item.caseId) ?? 0) < 2500}
                    assigneeName={
                      item.assigneeId
                        ? item.assigneeId === session.agent.id
                          ? session.agent.displayName
                          : (names.get(item.assigneeId) ?? '…')
                        : t('queue.unassigned')
                    }
                    onOpen={open}
                    onSelect={setSelected}
                  />
                );
              })}
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
