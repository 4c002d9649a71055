/**
 * The order system's side of the integration, in TypeScript, with types generated from the service's own
 * OpenAPI document: a misspelt field, a missing header or an unknown problem code is a compile error.
 *
 * Generate the types beside this file (again after every upgrade of the service):
 *
 *   npx openapi-typescript http://127.0.0.1:3000/docs/json -o openapi.d.ts
 *
 * and install the client: `npm install openapi-fetch`. The file is an ES module (`"type": "module"`,
 * Node 20 or later, TypeScript with `"strict": true`). Run it with a shop's API key:
 *
 *   AFTERSALES_URL=http://127.0.0.1:3000 AFTERSALES_API_KEY=ak_… node order-system.js
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import createClient from 'openapi-fetch';
import type { components, paths } from './openapi.js';

type CaseView = components['schemas']['CaseView'];
type ChangeView = components['schemas']['ChangeView'];

const api = createClient<paths>({
  baseUrl: process.env.AFTERSALES_URL ?? 'http://127.0.0.1:3000',
  headers: { Authorization: `Bearer ${process.env.AFTERSALES_API_KEY ?? ''}` },
});

/** A problem the service answered (RFC 9457), as an exception the rest of the order system can catch. */
export class AftersalesProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string | undefined,
  ) {
    super(`${status} ${code}${detail ? `: ${detail}` : ''}`);
  }
}

/**
 * A buyer asked Taobao for a refund: open the case. The Idempotency-Key belongs to the platform request,
 * not to the attempt: store it with the request, so that a retry after a timeout sends the same key and
 * gets the first answer back instead of opening a second case.
 */
export async function openRefundCase(idempotencyKey: string): Promise<CaseView> {
  const { data, error, response } = await api.POST('/v1/cases', {
    params: { header: { 'Idempotency-Key': idempotencyKey } },
    body: {
      platformCaseId: 'TB-RF-20261102-0001',
      platform: 'taobao',
      type: 'refund',
      reasonCode: '商品质量问题',
      buyerText: '鞋底开胶了',
      requestedAmount: 29900, // ¥299.00 in fen
      requestedAt: '2026-11-02T09:00:00+08:00',
      buyer: { id: 'tb_buyer_8812', nickname: '小明', phone: '13800138000', address: '浙江省杭州市余杭区文一西路 969 号' },
      order: {
        orderId: '3921837712345678',
        status: 'shipped',
        paidTotal: 29900,
        currency: 'CNY',
        shippedAt: '2026-10-31T16:20:00+08:00',
        items: [{ sku: 'SKU-RED-42', title: '男士运动鞋 红色 42码', quantity: 1, unitPrice: 29900, goodsKind: 'standard' }],
      },
    },
  });
  if (error) throw new AftersalesProblem(error.status, error.code, error.detail);
  // 201: opened now; 200: this platform case id was opened before (by an earlier attempt or another path).
  console.log(response.status === 201 ? `opened case ${data.id}` : `case ${data.id} was open already`);
  return data;
}

/** The case as it stands: state, version (send it back as If-Match), the events it accepts now. */
export async function readCase(caseId: string): Promise<CaseView> {
  const { data, error } = await api.GET('/v1/cases/{caseId}', { params: { path: { caseId } } });
  if (error) throw new AftersalesProblem(error.status, error.code, error.detail);
  return data;
}

/**
 * The payment system has paid the refund out: report it. This comes after the agent's decision: the
 * agent sends PROPOSE (`full_refund`) from the console, which moves the case to `followUp.refunding` and
 * reserves the amount; the order system sees that (webhook `refund.approved`, or the change feed below),
 * pays, and reports REFUND_EXECUTED with what was paid. The service refuses an amount other than the
 * reserved one (422 REFUND_AMOUNT_MISMATCH): the books must agree.
 *
 * The Idempotency-Key names one attempt: a retry after a timeout sends the same key and gets the first
 * answer; a new attempt after a definite refusal (the case had moved on: 412) needs a new key, or it
 * would get that refusal again.
 */
export async function reportRefundExecuted(caseId: string, refundId: string, amount: number, attempt = 1): Promise<CaseView | undefined> {
  const current = await readCase(caseId);
  const { data, error } = await api.POST('/v1/cases/{caseId}/events', {
    params: {
      path: { caseId },
      // If-Match: refused with 412 if the case changed since we read it.
      header: { 'If-Match': `"${current.version}"`, 'Idempotency-Key': `refund-executed-${refundId}-${attempt}` },
    },
    body: { type: 'REFUND_EXECUTED', amount, refundId },
  });
  if (!error) return data;
  switch (error.code) {
    case 'VERSION_MISMATCH':
      // Someone acted on the case in between: read it again and decide afresh.
      if (attempt < 3) return reportRefundExecuted(caseId, refundId, amount, attempt + 1);
      break;
    case 'EVENT_NOT_ALLOWED':
      // Not in followUp.refunding (yet, or any more): nothing to report; the change feed will say why.
      console.warn(`case ${caseId} does not take REFUND_EXECUTED now: ${error.detail ?? ''}`);
      return undefined;
    case 'REFUND_AMOUNT_MISMATCH':
      // What was paid differs from what was approved: a person must look at the payment.
      throw new AftersalesProblem(error.status, error.code, `paid ${amount}, but the case reserved ${current.amounts.reserved}`);
    case 'IDEMPOTENCY_KEY_IN_FLIGHT':
      // The same attempt is still being processed: ask again in a moment, under the same key.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return reportRefundExecuted(caseId, refundId, amount, attempt);
  }
  throw new AftersalesProblem(error.status, error.code, error.detail);
}

/**
 * Catches up on every case change since `cursor` (webhooks can be missed; the feed cannot). Keep the
 * returned cursor, also when no change came, and pass it to the next call; start with undefined.
 */
export async function pollChanges(cursor: string | undefined, handle: (change: ChangeView) => Promise<void>): Promise<string | undefined> {
  let position = cursor;
  for (;;) {
    const { data, error } = await api.GET('/v1/changes', { params: { query: { cursor: position, limit: 200 } } });
    if (error) {
      // A cursor the service cannot read was not one of its own: start over rather than guess.
      if (error.code === 'INVALID_CURSOR') return undefined;
      throw new AftersalesProblem(error.status, error.code, error.detail);
    }
    for (const change of data.items) await handle(change);
    position = data.nextCursor ?? position;
    if (!data.hasMore) return position;
  }
}

async function main(): Promise<void> {
  const opened = await openRefundCase(randomUUID());
  console.log(`case ${opened.id}: ${opened.state}, version ${opened.version}, accepts ${opened.allowedEvents.join(', ')}`);

  let cursor: string | undefined;
  cursor = await pollChanges(cursor, async (change) => {
    console.log(`${change.at} case ${change.caseId} v${change.version}: ${change.type} ${change.fromState ?? '∅'} → ${change.toState}`);
    // Once the agent's proposal has reserved the refund, pay it and report it.
    if (change.caseId === opened.id && change.toState === 'followUp.refunding') {
      const paid = await readCase(change.caseId);
      await reportRefundExecuted(change.caseId, `RF-${change.caseId.slice(0, 8)}`, paid.amounts.reserved);
    }
  });
  console.log(`up to date; next time start from ${cursor ?? 'the beginning'}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
