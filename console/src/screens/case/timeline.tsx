import { Tag, Timeline } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AgentView, AuditEventView } from '../../api/types';
import { localeOf } from '../../i18n';
import { formatMoney } from '../../lib/money';
import { formatInZone } from '../../lib/time';
import { useSession } from '../../shell/session';
import { stateLabel } from '../../ui/labels';

interface Payload {
  note?: string;
  findings?: string | Array<{ rule: string; severity: string; match: string; message: string }>;
  guardFindings?: Array<{ rule: string; severity: string; match: string; message: string }>;
  guardOverride?: { reason: string };
  resolution?: string;
  amount?: number;
  inspection?: string;
  carrier?: string;
  trackingNo?: string;
  filename?: string;
  kind?: string;
}

/** Every accepted event, newest first, with who did it, what they wrote, and guard findings and overrides. */
export function CaseTimeline({ events, agents, currency }: { events: AuditEventView[] | undefined; agents: AgentView[] | undefined; currency: string }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const locale = localeOf(i18n.language);
  const names = new Map((agents ?? []).map((a) => [a.id, a.displayName]));
  const actorName = (actor: { kind: string; id: string }) =>
    actor.kind === 'agent' ? (names.get(actor.id) ?? t('actor.agent')) : t(`actor.${actor.kind}`, { defaultValue: actor.kind });

  return (
    <section className="panel" aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">{t('case.timeline')}</h2>
      <Timeline
        data-testid="timeline"
        items={[...(events ?? [])].reverse().map((entry) => {
          const p = (entry.payload ?? {}) as Payload;
          const guard = p.guardFindings ?? (Array.isArray(p.findings) ? p.findings : []);
          return {
            key: entry.seq,
            color: entry.actor.kind === 'timer' ? 'red' : entry.actor.kind === 'agent' ? 'blue' : 'gray',
            content: (
              <div className="timeline-entry" data-testid="timeline-entry" data-seq={entry.seq} data-type={entry.type}>
                <div className="timeline-head">
                  <strong>{t(`event.${entry.type}`, { defaultValue: entry.type })}</strong>
                  <span className="muted small">
                    {actorName(entry.actor)} · {formatInZone(entry.at, session.shop.timezone, locale, true)}
                  </span>
                </div>
                <div className="muted small">
                  {entry.fromState ? `${stateLabel(t, entry.fromState)} → ` : ''}
                  {stateLabel(t, entry.toState)}
                </div>
                {p.resolution && (
                  <div>
                    {t(`resolution.${p.resolution}`)}
                    {typeof p.amount === 'number' && ` · ${formatMoney(p.amount, currency, locale)}`}
                  </div>
                )}
                {p.note && <p className="timeline-note">{p.note}</p>}
                {typeof p.findings === 'string' && <p className="timeline-note">{p.findings}</p>}
                {p.inspection && <p className="timeline-note">{p.inspection}</p>}
                {p.carrier && (
                  <div className="small">
                    {p.carrier} {p.trackingNo}
                  </div>
                )}
                {guard.map((f) => (
                  <div key={`${f.rule}-${f.match}`} className="small" data-testid="timeline-finding">
                    <Tag color={f.severity === 'block' ? 'error' : 'warning'}>{f.match}</Tag>
                    {f.message}
                  </div>
                ))}
                {p.guardOverride && (
                  <div className="small" data-testid="timeline-override">
                    <Tag color="purple">{t('case.override')}</Tag>
                    {p.guardOverride.reason}
                  </div>
                )}
              </div>
            ),
          };
        })}
      />
    </section>
  );
}
