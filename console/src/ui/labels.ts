import type { TFunction } from 'i18next';
import type { Bootstrap } from '../api/types';

/** The deadline's name as agents say it (48小时响应 follows the shop's policy). */
export function deadlineName(t: TFunction, timer: string, session: Bootstrap): string {
  return t(`deadline.${timer}`, { hours: session.shop.policy.merchantResponseHours, defaultValue: timer });
}

/** What happens when the deadline passes: it depends on the case type (a return is approved, not refunded). */
export function consequenceOf(t: TFunction, timer: string, amount: string, caseType: string): string {
  return t(`consequence.${timer}-${caseType}`, { amount, defaultValue: t(`consequence.${timer}`, { amount, defaultValue: '' }) });
}

/** A state path (`followUp.refunding`) in words: the family, then the step. */
export function stateLabel(t: TFunction, state: string): string {
  const [family, step] = state.split('.');
  const familyText = t(`state.${family}`, { defaultValue: family });
  if (!step) return familyText;
  return `${familyText} · ${t(`step.${step}`, { defaultValue: step })}`;
}

export function reasonLabel(
  reasons: Array<{ code: string; labels: { zh: string; en: string } }> | undefined,
  code: string | null | undefined,
  lang: string,
): string {
  if (!code) return '—';
  const reason = reasons?.find((r) => r.code === code);
  return reason ? (lang === 'en' ? reason.labels.en : reason.labels.zh) : code;
}
