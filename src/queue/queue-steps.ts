/**
 * Where a case stands in the playbook, as the queue shows and filters it. Proposals waiting on the buyer
 * and renegotiations count as `propose`; the platform's intervention is its own `dispute` step.
 */
export const QUEUE_STEPS = ['contact', 'verify', 'apologise', 'propose', 'followUp', 'dispute'] as const;
export type QueueStep = (typeof QUEUE_STEPS)[number];

/** The machine states of each step: exact states and `prefix.` families. */
const STEP_STATES: Record<QueueStep, { exact: string[]; prefixes: string[] }> = {
  contact: { exact: ['open.contact'], prefixes: [] },
  verify: { exact: ['open.verify'], prefixes: [] },
  apologise: { exact: ['open.apologise'], prefixes: [] },
  propose: { exact: ['open.propose', 'awaitingBuyer'], prefixes: ['negotiating.'] },
  followUp: { exact: [], prefixes: ['followUp.'] },
  dispute: { exact: [], prefixes: ['dispute.'] },
};

export function queueStepOf(state: string): QueueStep | 'archive' {
  for (const step of QUEUE_STEPS) {
    const { exact, prefixes } = STEP_STATES[step];
    if (exact.includes(state) || prefixes.some((prefix) => state.startsWith(prefix))) return step;
  }
  return 'archive';
}

/** A SQL condition on `column` matching the step's states; its values are appended to `params`. */
export function stepCondition(column: string, step: QueueStep, params: unknown[]): string {
  const { exact, prefixes } = STEP_STATES[step];
  const parts: string[] = [];
  if (exact.length > 0) {
    params.push(exact);
    parts.push(`${column} = ANY($${params.length}::text[])`);
  }
  for (const prefix of prefixes) {
    params.push(`${prefix}%`);
    parts.push(`${column} LIKE $${params.length}`);
  }
  return `(${parts.join(' OR ')})`;
}
