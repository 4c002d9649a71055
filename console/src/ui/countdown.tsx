import { Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatCountdown, secondsUntil, slaStage } from '../lib/countdown';
import { formatInZone, zoneLabel } from '../lib/time';
import { localeOf } from '../i18n';
import { useNow } from '../live/clock';
import { useSession } from '../shell/session';

interface Props {
  dueAt: string;
  /** What happens at zero, shown under the time. */
  consequence?: string;
  label?: string;
  compact?: boolean;
  testId?: string;
}

/**
 * A ticking countdown to a platform deadline (one shared ticker, server-corrected) with the absolute
 * time in the shop's zone. `data-sla` carries the stage for tests and styling.
 */
export function Countdown({ dueAt, consequence, label, compact, testId = 'countdown' }: Props) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const now = useNow();
  const due = Date.parse(dueAt);
  const stage = slaStage(due, now, session.deadlineWarningLeadMinutes * 60_000);
  const locale = localeOf(i18n.language);
  const text = formatCountdown(secondsUntil(due, now), { day: i18n.language === 'en' ? 'd' : '天' });
  const absolute = `${formatInZone(dueAt, session.shop.timezone, locale)} (${zoneLabel(session.shop.timezone, locale)})`;
  return (
    <div className={`countdown sla-${stage}${compact ? ' compact' : ''}`} data-sla={stage} data-testid={testId}>
      <Tooltip title={`${t(`sla.${stage}`)} · ${absolute}`}>
        <span className="countdown-time" role="timer" aria-label={`${label ?? ''} ${t(`sla.${stage}`)} ${text}`}>
          {text}
        </span>
      </Tooltip>
      <span className="countdown-meta">
        {label && <span className="countdown-label">{label}</span>}
        <span className="countdown-abs">{absolute}</span>
      </span>
      {consequence && <span className="countdown-consequence">{consequence}</span>}
    </div>
  );
}
