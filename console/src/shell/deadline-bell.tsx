import { useEffect, useMemo } from 'react';
import { Badge, Button, Popover } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useQueue, useQueueCounts } from '../api/queries';
import { slaStage } from '../lib/countdown';
import { formatMoney } from '../lib/money';
import { localeOf } from '../i18n';
import { useNow } from '../live/clock';
import { Countdown } from '../ui/countdown';
import { deadlineName } from '../ui/labels';
import { useSession } from './session';

const NO_FILTERS = {};

/**
 * Like 千牛's 慢响应提醒: one merged alert for every case of mine that is due soon or overdue, recomputed
 * every second from the queue; the tab title carries the count, e.g. `(3) 售后工作台`.
 */
export function DeadlineBell() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const navigate = useNavigate();
  const now = useNow();
  const queue = useQueue(NO_FILTERS);
  const counts = useQueueCounts();
  const lead = session.deadlineWarningLeadMinutes * 60_000;

  const urgent = useMemo(
    () =>
      (queue.data ?? [])
        .filter((item) => item.assigneeId === session.agent.id && item.deadline)
        .map((item) => ({ item, stage: slaStage(Date.parse(item.deadline!.dueAt), now, lead) }))
        .filter(({ stage }) => stage !== 'ok')
        .sort((a, b) => Date.parse(a.item.deadline!.dueAt) - Date.parse(b.item.deadline!.dueAt)),
    [queue.data, session.agent.id, now, lead],
  );
  const count = queue.data ? urgent.length : counts.data ? counts.data.mine.overdue + counts.data.mine.dueSoon : 0;

  useEffect(() => {
    const base = t('app.title');
    document.title = count > 0 ? `(${count}) ${base}` : base;
  }, [count, t]);

  const content = (
    <div className="bell-list" data-testid="bell-list">
      {urgent.length === 0 ? (
        <p className="muted">{t('shell.bell.empty')}</p>
      ) : (
        <>
          <strong>{t('shell.bell.title', { n: urgent.length })}</strong>
          <ul>
            {urgent.slice(0, 8).map(({ item }) => (
              <li key={item.caseId}>
                <button type="button" className="bell-item" onClick={() => navigate(`/cases/${item.caseId}`)}>
                  <span className="bell-case">{item.platformCaseId}</span>
                  <Countdown dueAt={item.deadline!.dueAt} label={deadlineName(t, item.deadline!.timer, session)} compact testId="bell-countdown" />
                  <span className="bell-amount">{formatMoney(item.amount, item.currency, localeOf(i18n.language))}</span>
                </button>
              </li>
            ))}
          </ul>
          <Button type="primary" block onClick={() => navigate(`/cases/${urgent[0].item.caseId}`)}>
            {t('shell.bell.open')}
          </Button>
        </>
      )}
    </div>
  );

  return (
    <Popover content={content} trigger="click" placement="bottomRight">
      <Badge count={count} size="small" offset={[-4, 4]}>
        <Button type="text" icon={<BellOutlined />} aria-label={`${t('shell.bell.label')} ${count}`} data-testid="deadline-bell" data-count={count} />
      </Badge>
    </Popover>
  );
}
