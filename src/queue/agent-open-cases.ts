import type { CaseRecord } from '../cases/case.record.js';

/** How a change moves the number of open cases an agent holds (the agent_open_cases counter). */
export interface OpenCasesDelta {
  agentId: string;
  shopId: string;
  delta: number;
}

type Holding = Pick<CaseRecord, 'shopId' | 'assigneeId' | 'archivedAt'>;

/** The counter moves a change makes: the case leaves its old holder's open cases and joins its new holder's. */
export function openCasesDeltas(before: Holding, after: Holding): OpenCasesDelta[] {
  const held = (c: Holding) => (c.archivedAt === null && c.assigneeId !== null ? c.assigneeId : null);
  const from = held(before);
  const to = held(after);
  if (from === to) return [];
  return [...(from ? [{ agentId: from, shopId: before.shopId, delta: -1 }] : []), ...(to ? [{ agentId: to, shopId: after.shopId, delta: 1 }] : [])];
}

/**
 * One move per agent, without those that cancel out, sorted by agent: concurrent writers then lock the
 * counters they share in the same order.
 */
export function netOpenCasesDeltas(deltas: OpenCasesDelta[]): OpenCasesDelta[] {
  const byAgent = new Map<string, OpenCasesDelta>();
  for (const d of deltas) {
    const sum = byAgent.get(d.agentId);
    byAgent.set(d.agentId, { ...d, delta: (sum?.delta ?? 0) + d.delta });
  }
  return [...byAgent.values()].filter((d) => d.delta !== 0).sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
}
