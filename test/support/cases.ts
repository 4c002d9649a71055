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
