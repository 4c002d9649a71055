import { randomBytes, randomUUID } from 'node:crypto';
import { TimerSweeper } from '../../src/timers/timer-sweeper.js';
import { bearer } from './fixtures.js';
import type { TestApp } from './test-app.js';

export interface OpenCaseOverrides {
  type?: 'refund' | 'return' | 'exchange' | 'complaint';
  requestedAmount?: number;
  requestedAt?: string;
  reasonCode?: string;
  platformCaseId?: string;
  order?: Record<string, unknown>;
  [key: string]: unknown;
}

/** A valid intake body: a shipped order of one standard item paid 299.00 yuan, requested in full. */
export function caseBody(t: TestApp, overrides: OpenCaseOverrides = {}): Record<string, unknown> {
  const { order, ...rest } = overrides;
  return {
    type: 'refund',
    reasonCode: '商品质量问题',
    buyerText: '鞋底开胶了',
    requestedAmount: 29900,
    requestedAt: t.clock.now().toISOString(),
    buyer: { id: 'tb_buyer_8812', nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' },
    ...rest,
    order: {
      orderId: `ORD-${randomBytes(5).toString('hex')}`,
      status: 'shipped',
      paidTotal: 29900,
      currency: 'CNY',
      shippedAt: new Date(t.clock.now().getTime() - 86_400_000).toISOString(),
      items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
      ...order,
    },
  };
}

/** `POST /v1/cases` as the order system sends it: with the caller's token and a fresh Idempotency-Key. */
export function intake(t: TestApp, token: string, idempotencyKey: string = randomUUID()) {
  return t.http.post('/v1/cases').set(bearer(token)).set('Idempotency-Key', idempotencyKey);
}

export async function openCase(t: TestApp, token: string, overrides: OpenCaseOverrides = {}) {
  const res = await intake(t, token).send(caseBody(t, overrides));
  if (res.status !== 201) throw new Error(`openCase: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Sends one event; throws with the problem body unless it was accepted. */
export async function send(t: TestApp, token: string, caseId: string, event: Record<string, unknown>) {
  const res = await t.http.post(`/v1/cases/${caseId}/events`).set(bearer(token)).send(event);
  if (res.status !== 200) throw new Error(`${String(event.type)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export function sweeperOf(t: Pick<TestApp, 'app'>): TimerSweeper {
  return t.app.get(TimerSweeper);
}

/** One event of `GET /v1/cases/:id/events`. */
export interface TimelineEntry {
  seq: number;
  type: string;
  actor: { kind: string; id: string };
  fromState: string | null;
  toState: string;
  payload: Record<string, unknown>;
  at: string;
  prevHash: string;
  hash: string;
}

/** One item of `GET /v1/changes`. */
export interface ChangeItem {
  caseId: string;
  version: number;
  type: string;
  fromState: string | null;
  toState: string;
  at: string;
  actor: { kind: string; id: string };
  orderId: string;
  platformCaseId: string | null;
  payload: Record<string, unknown>;
}

export interface ChangesPage {
  items: ChangeItem[];
  nextCursor: string | null;
  hasMore: boolean;
}

/** One page of the change feed; throws unless it answered 200. */
export async function changesPage(t: TestApp, token: string, cursor?: string | null, limit = 100): Promise<ChangesPage> {
  const query: Record<string, string | number> = { limit };
  if (cursor) query.cursor = cursor;
  const res = await t.http.get('/v1/changes').query(query).set(bearer(token));
  if (res.status !== 200) throw new Error(`GET /v1/changes: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Reads the change feed from `cursor` (none: from the start), page by page, until at least `expected`
 * items arrived and the feed says it has no more, or `timeoutMs` passed. A change is listed only once
 * every older transaction of the whole PostgreSQL server has ended (see ChangesRepository), so with other
 * files running on the same server it may show up a little late: an empty or short page is read again
 * from the same cursor. Returns what arrived (maybe fewer than expected: the caller asserts), the cursor to
 * continue from and every page read.
 */
export async function readChangesUntil(
  t: TestApp,
  token: string,
  options: { expected: number; cursor?: string | null; limit?: number; timeoutMs?: number },
): Promise<{ items: ChangeItem[]; cursor: string | null; pages: ChangesPage[] }> {
  const { expected, limit = 100, timeoutMs = 10_000 } = options;
  let cursor = options.cursor ?? null;
  const items: ChangeItem[] = [];
  const pages: ChangesPage[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const page = await changesPage(t, token, cursor, limit);
    pages.push(page);
    items.push(...page.items);
    cursor = page.nextCursor ?? cursor;
    if (page.hasMore && Date.now() < deadline) continue;
    if (items.length >= expected || Date.now() >= deadline) return { items, cursor, pages };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
