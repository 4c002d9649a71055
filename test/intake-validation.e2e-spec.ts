import pg from 'pg';
import { caseBody, intake } from './support/cases.js';
import { createApiKey, createShop, expectProblem } from './support/fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * "Invalid payloads (wrong types, negative or fractional amounts, unknown reason codes, requested amount
 * above the paid total, missing order) → 4xx problem details, never 5xx, and nothing written."
 *
 * Every row is the valid intake body of `caseBody` with one thing broken (or a body that is not an
 * intake at all), sent by the order system with its API key and a fresh Idempotency-Key. Each row must
 * be refused with its exact status and code and, for validation errors, name exactly the offending
 * field(s). After all of them, the business tables must still be empty; only then is the unbroken
 * body accepted, which also proves the emptiness check looks at the database the app writes to.
 */

const DELETE = Symbol('delete');
type Edits = Record<string, unknown>;

/** `caseBody` with `path.to.field` set to a value (or removed with DELETE). */
function validWith(t: TestApp, edits: Edits = {}): Record<string, unknown> {
  const body = structuredClone(caseBody(t));
  for (const [path, value] of Object.entries(edits)) {
    const keys = path.split('.');
    let target = body as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    const last = keys[keys.length - 1];
    if (value === DELETE) delete target[last];
    else target[last] = value;
  }
  return body;
}

/** The valid body as JSON text with the placeholder string for `path` replaced by a raw JSON literal. */
function rawWith(t: TestApp, path: string, literal: string): string {
  const marker = '__RAW_LITERAL__';
  return JSON.stringify(validWith(t, { [path]: marker })).replace(`"${marker}"`, literal);
}

interface InvalidIntake {
  name: string;
  /** The JSON body (serialised with JSON.stringify) … */
  body?: (t: TestApp) => unknown;
  /** … or the exact request text. */
  raw?: (t: TestApp) => string;
  contentType?: string;
  /** The exact status, or 'any 4xx' where the API's choice of 4xx is open. */
  status: number | 'any 4xx';
  /** The exact problem code, when the status is exact. */
  code?: string;
  /** For validation problems: exactly the fields `errors[].field` must name. */
  fields?: string[];
}

const edit = (edits: Edits) => (t: TestApp) => validWith(t, edits);
const invalid = (name: string, edits: Edits, fields: string[]): InvalidIntake => ({
  name,
  body: edit(edits),
  status: 400,
  code: 'VALIDATION_FAILED',
  fields,
});
const item = (field: string) => `order.items.0.${field}`;
const ALL_REQUIRED = ['type', 'reasonCode', 'requestedAmount', 'requestedAt', 'buyer', 'order'];

const CASES: InvalidIntake[] = [
  // Wrong types, field by field.
  invalid('requestedAmount as a numeric string', { requestedAmount: '29900' }, ['requestedAmount']),
  invalid('requestedAmount as a boolean', { requestedAmount: true }, ['requestedAmount']),
  invalid('requestedAmount as null', { requestedAmount: null }, ['requestedAmount']),
  invalid('requestedAmount as an array', { requestedAmount: [29900] }, ['requestedAmount']),
  invalid('requestedAmount as an object', { requestedAmount: { value: 29900 } }, ['requestedAmount']),
  invalid('type as a number', { type: 1 }, ['type']),
  invalid('reasonCode as a number', { reasonCode: 123 }, ['reasonCode']),
  invalid('reasonCode as an array', { reasonCode: ['商品质量问题'] }, ['reasonCode']),
  invalid('reasonCode as a boolean', { reasonCode: true }, ['reasonCode']),
  invalid('requestedAt as epoch milliseconds', { requestedAt: 1_793_606_400_000 }, ['requestedAt']),
  invalid('buyerText as an object', { buyerText: { text: '鞋底开胶了' } }, ['buyerText']),
  invalid('platformCaseId as a number', { platformCaseId: 1234567 }, ['platformCaseId']),
  invalid('buyer as a string', { buyer: 'tb_buyer_8812' }, ['buyer']),
  invalid('buyer as an array of a buyer', { buyer: [{ id: 'tb_buyer_8812' }] }, ['buyer']),
  invalid('buyer as an empty array', { buyer: [] }, ['buyer']),
  invalid('buyer.id as a number', { 'buyer.id': 8812 }, ['buyer.id']),
  invalid('buyer.phone as a number', { 'buyer.phone': 13800138000 }, ['buyer.phone']),
  invalid('order as a string', { order: 'ORD-1' }, ['order']),
  {
    name: 'order as an array of the order',
    body: (t) => {
      const body = validWith(t);
      return { ...body, order: [body.order] };
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['order'],
  },
  invalid('order.orderId as a number', { 'order.orderId': 3921837712345678 }, ['order.orderId']),
  invalid('order.paidTotal as a numeric string', { 'order.paidTotal': '29900' }, ['order.paidTotal']),
  invalid('order.paidTotal as a boolean', { 'order.paidTotal': true }, ['order.paidTotal']),
  invalid('order.currency as a number', { 'order.currency': 156 }, ['order.currency']),
  invalid('order.status as an array', { 'order.status': ['shipped'] }, ['order.status']),
  {
    name: 'order.items as a single item object instead of an array',
    body: (t) => {
      const body = validWith(t);
      const order = body.order as { items: unknown[] };
      return { ...body, order: { ...order, items: order.items[0] } };
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['order.items'],
  },
  invalid('order.items as a string', { 'order.items': 'SKU-RED-42' }, ['order.items']),
  invalid('order.items holding null', { 'order.items': [null] }, ['order.items.0']),
  invalid('item quantity as a numeric string', { [item('quantity')]: '1' }, [item('quantity')]),
  invalid('item unitPrice as a numeric string', { [item('unitPrice')]: '29900' }, [item('unitPrice')]),
  invalid('item sku as a number', { [item('sku')]: 42 }, [item('sku')]),
  invalid('item title as an array', { [item('title')]: ['男士运动鞋'] }, [item('title')]),
  invalid('item goodsKind as a boolean', { [item('goodsKind')]: true }, [item('goodsKind')]),

  // Negative, fractional and out-of-range amounts.
  invalid('negative requestedAmount', { requestedAmount: -1 }, ['requestedAmount']),
  invalid('fractional requestedAmount', { requestedAmount: 299.5 }, ['requestedAmount']),
  invalid('fractional requestedAmount just below the paid total', { requestedAmount: 29899.99 }, ['requestedAmount']),
  invalid('negative order.paidTotal', { 'order.paidTotal': -29900 }, ['order.paidTotal']),
  invalid('fractional order.paidTotal', { 'order.paidTotal': 29900.5 }, ['order.paidTotal']),
  invalid('item quantity 0', { [item('quantity')]: 0 }, [item('quantity')]),
  invalid('negative item quantity', { [item('quantity')]: -1 }, [item('quantity')]),
  invalid('fractional item quantity', { [item('quantity')]: 1.5 }, [item('quantity')]),
  invalid('negative item unitPrice', { [item('unitPrice')]: -1 }, [item('unitPrice')]),
  invalid('fractional item unitPrice', { [item('unitPrice')]: 0.5 }, [item('unitPrice')]),
  invalid('requestedAmount above the largest accepted amount', { requestedAmount: 10_000_000_000_001 }, ['requestedAmount']),
  invalid('order.paidTotal above the largest accepted amount', { 'order.paidTotal': 10_000_000_000_001 }, ['order.paidTotal']),
  {
    name: 'requestedAmount beyond the safe integer range (2^53 + 1)',
    raw: (t) => rawWith(t, 'requestedAmount', '9007199254740993'),
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['requestedAmount'],
  },
  {
    name: 'order.paidTotal beyond the safe integer range (1e21)',
    raw: (t) => rawWith(t, 'order.paidTotal', '1000000000000000000000'),
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['order.paidTotal'],
  },
  {
    name: 'requestedAmount overflowing to Infinity (1e400)',
    raw: (t) => rawWith(t, 'requestedAmount', '1e400'),
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['requestedAmount'],
  },
  {
    name: 'item unitPrice beyond the safe integer range',
    raw: (t) => rawWith(t, item('unitPrice'), '99999999999999999999'),
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: [item('unitPrice')],
  },

  // Values outside the enumerations and formats.
  invalid('unknown type', { type: 'chargeback' }, ['type']),
  invalid('type in the wrong case', { type: 'Refund' }, ['type']),
  invalid('unknown platform', { platform: 'amazon' }, ['platform']),
  invalid('unknown order status', { 'order.status': 'lost' }, ['order.status']),
  invalid('unknown goodsKind', { [item('goodsKind')]: 'perishable' }, [item('goodsKind')]),
  invalid('lower-case currency', { 'order.currency': 'cny' }, ['order.currency']),
  invalid('four-letter currency', { 'order.currency': 'CNYY' }, ['order.currency']),
  invalid('currency symbol', { 'order.currency': '¥' }, ['order.currency']),

  // Reason codes.
  {
    // The issue: unknown reason codes → 4xx. A code in our own snake_case format that is not in the
    // taxonomy (here a typo of quality_problem) is an unknown reason code, not a platform's reworded label.
    name: 'unknown reason code (a typo of quality_problem)',
    body: edit({ reasonCode: 'quality_problm' }),
    status: 'any 4xx',
    fields: ['reasonCode'],
  },
  invalid('empty reasonCode', { reasonCode: '' }, ['reasonCode']),
  invalid('reasonCode over 200 characters', { reasonCode: 'x'.repeat(201) }, ['reasonCode']),

  // Money rules of the order.
  {
    name: 'requestedAmount above the paid total',
    body: edit({ requestedAmount: 30000 }),
    status: 422,
    code: 'AMOUNT_EXCEEDS_REFUNDABLE',
  },
  {
    name: 'requestedAmount on an order paid nothing',
    body: edit({ 'requestedAmount': 1, 'order.paidTotal': 0, [item('unitPrice')]: 0 }),
    status: 422,
    code: 'AMOUNT_EXCEEDS_REFUNDABLE',
  },
  {
    name: 'return of an unshipped order',
    body: edit({ 'type': 'return', 'order.status': 'unshipped', 'order.shippedAt': DELETE }),
    status: 422,
    code: 'ORDER_NOT_SHIPPED',
  },

  // Missing parts.
  invalid('missing order', { order: DELETE }, ['order']),
  invalid('order null', { order: null }, ['order']),
  invalid('empty order', { order: {} }, ['order.orderId', 'order.status', 'order.paidTotal', 'order.items']),
  invalid('missing buyer', { buyer: DELETE }, ['buyer']),
  invalid('buyer without id', { buyer: {} }, ['buyer.id']),
  invalid('order with no items', { 'order.items': [] }, ['order.items']),
  invalid('order without items', { 'order.items': DELETE }, ['order.items']),
  invalid('order without orderId', { 'order.orderId': DELETE }, ['order.orderId']),
  invalid('empty orderId', { 'order.orderId': '' }, ['order.orderId']),
  invalid('missing type', { type: DELETE }, ['type']),
  invalid('missing reasonCode', { reasonCode: DELETE }, ['reasonCode']),
  invalid('missing requestedAmount', { requestedAmount: DELETE }, ['requestedAmount']),
  invalid('missing requestedAt', { requestedAt: DELETE }, ['requestedAt']),
  {
    name: 'empty object',
    body: () => ({}),
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ALL_REQUIRED,
  },

  // Dates.
  invalid('requestedAt not a date', { requestedAt: 'yesterday' }, ['requestedAt']),
  invalid('requestedAt an impossible date', { requestedAt: '2026-02-30T09:00:00Z' }, ['requestedAt']),
  invalid('requestedAt as an ISO week date', { requestedAt: '2026-W45-1' }, ['requestedAt']),
  invalid('requestedAt as an ISO ordinal date', { requestedAt: '2026-306' }, ['requestedAt']),
  invalid('requestedAt in basic format without separators', { requestedAt: '20261102T090000Z' }, ['requestedAt']),
  invalid('requestedAt with a decimal comma', { requestedAt: '2026-11-02T09:00:00,5Z' }, ['requestedAt']),
  invalid('order.shippedAt not a date', { 'order.shippedAt': 'last week' }, ['order.shippedAt']),
  invalid('order.shippedAt as an ISO week date', { 'order.shippedAt': '2026-W44-7' }, ['order.shippedAt']),

  // Lengths.
  invalid('buyerText over 4000 characters', { buyerText: '开'.repeat(4001) }, ['buyerText']),
  invalid('empty platformCaseId', { platformCaseId: '' }, ['platformCaseId']),
  // PostgreSQL text and jsonb cannot hold U+0000: such a string must be refused as input, not fail the insert.
  invalid('NUL character in buyerText', { buyerText: '鞋底\u0000开胶' }, ['buyerText']),
  invalid('NUL character in order.orderId', { 'order.orderId': 'ORD-\u0000-1' }, ['order.orderId']),
  {
    name: 'more than 500 items',
    body: (t) => {
      const body = validWith(t);
      const order = body.order as { items: unknown[] };
      return { ...body, order: { ...order, items: Array.from({ length: 501 }, () => order.items[0]) } };
    },
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['order.items'],
  },

  // Unknown properties, at every level.
  invalid('unknown top-level property', { priority: 'high' }, ['priority']),
  invalid('state smuggled into the intake', { state: 'archived' }, ['state']),
  invalid('id smuggled into the intake', { id: '00000000-0000-4000-8000-000000000000' }, ['id']),
  invalid('unknown buyer property', { 'buyer.email': 'a@example.com' }, ['buyer.email']),
  invalid('unknown order property', { 'order.discount': 100 }, ['order.discount']),
  invalid('unknown item property', { [item('color')]: 'red' }, [item('color')]),

  // Bodies that are not an intake object.
  // An array reaches validation as a list of intakes: the six required fields are missing (and its index "0" is unknown).
  { name: 'JSON array body', body: (t) => [validWith(t)], status: 400, code: 'VALIDATION_FAILED', fields: ['0', ...ALL_REQUIRED] },
  { name: 'JSON string body', raw: () => '"refund"', status: 400, code: 'VALIDATION_FAILED', fields: ALL_REQUIRED },
  { name: 'JSON number body', raw: () => '29900', status: 400, code: 'VALIDATION_FAILED', fields: ALL_REQUIRED },
  { name: 'JSON boolean body', raw: () => 'true', status: 400, code: 'VALIDATION_FAILED', fields: ALL_REQUIRED },
  { name: 'JSON null body', raw: () => 'null', status: 400, code: 'VALIDATION_FAILED', fields: ALL_REQUIRED },
  { name: 'truncated JSON', raw: (t) => JSON.stringify(validWith(t)).slice(0, 40), status: 400, code: 'MALFORMED_JSON' },
  { name: 'empty JSON body', raw: () => '', status: 400, code: 'MALFORMED_JSON' },
  {
    // Fastify's JSON parser refuses prototype keys outright.
    name: '__proto__ key in the body',
    raw: (t) => JSON.stringify(validWith(t)).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
    status: 400,
    code: 'MALFORMED_JSON',
  },
  {
    // Nest's Fastify adapter parses form bodies: they reach validation, all strings and no objects.
    name: 'form-encoded body',
    raw: () => 'type=refund&requestedAmount=29900',
    contentType: 'application/x-www-form-urlencoded',
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['reasonCode', 'requestedAmount', 'requestedAt', 'buyer', 'order'],
  },
  {
    name: 'text/plain body holding JSON',
    raw: (t) => JSON.stringify(validWith(t)),
    contentType: 'text/plain',
    status: 400,
    code: 'VALIDATION_FAILED',
    fields: ['type', 'reasonCode', 'requestedAmount', 'requestedAt', 'buyer', 'order'],
  },
  {
    name: 'XML body',
    raw: () => '<case><type>refund</type></case>',
    contentType: 'application/xml',
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
  },
  {
    name: 'body over the 1 MiB limit',
    body: edit({ buyerText: 'x'.repeat(1024 * 1024 + 1) }),
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
];

const BUSINESS_TABLES = ['cases', 'orders', 'case_events', 'case_timers'] as const;

describe('intake validation: invalid payloads are refused with 4xx problems and write nothing', () => {
  let t: TestApp;
  let key: string;
  /** Order ids each row sent, to name the rows whose payload was written after all. */
  const orderIdsByRow = new Map<string, string[]>();

  const countRows = async () => {
    const client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    try {
      const counts: Record<string, number> = {};
      for (const table of BUSINESS_TABLES) counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      const orders = (await client.query(`SELECT external_order_id FROM orders`)).rows.map((r: { external_order_id: string }) => r.external_order_id);
      return { counts, orders };
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    t = await createTestApp();
    const shop = await createShop(t, { platform: 'taobao' });
    key = (await createApiKey(t, shop.id)).key;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('should cover every kind of invalid intake with a distinct name', () => {
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    expect(CASES.length).toBeGreaterThanOrEqual(90);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('should refuse %s', async (name, row) => {
    const text = row.raw ? row.raw(t) : JSON.stringify(row.body!(t));
    orderIdsByRow.set(name, text.match(/ORD-[0-9a-f]{10}/g) ?? []);
    const res = await intake(t, key)
      .set('Content-Type', row.contentType ?? 'application/json')
      .send(text);
    const summary = `${name}: ${res.status} ${res.text.slice(0, 600)}`;

    // Never a server error, and never accepted.
    if (res.status >= 500) throw new Error(`server error for invalid intake — ${summary}`);
    if (res.status < 400) throw new Error(`invalid intake was accepted — ${summary}`);

    if (row.status === 'any 4xx') {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: res.status, type: expect.stringMatching(/^urn:problem:/), code: expect.any(String) });
    } else {
      expectProblem(res, row.status, row.code!);
    }
    if (row.fields) {
      const errors = (res.body.errors ?? []) as Array<{ field: string; message: string }>;
      expect({ row: name, fields: [...new Set(errors.map((e) => e.field))].sort() }).toEqual({ row: name, fields: [...row.fields].sort() });
      for (const error of errors) expect(error.message).toEqual(expect.any(String));
    }
  });

  it('should have written no case, order, event or timer for any of them', async () => {
    const { counts, orders } = await countRows();
    const writers = [...orderIdsByRow].filter(([, ids]) => ids.some((id) => orders.includes(id))).map(([row]) => row);
    expect({ counts, rowsThatWrote: writers }).toEqual({
      counts: Object.fromEntries(BUSINESS_TABLES.map((table) => [table, 0])),
      rowsThatWrote: [],
    });
  });

  it('should still accept the valid intake (positive control) and see its rows in the database', async () => {
    const body = caseBody(t);
    const res = await intake(t, key).send(body);
    expect({ status: res.status, state: res.body.state }).toEqual({ status: 201, state: 'open.contact' });
    const { counts, orders } = await countRows();
    expect(counts.cases).toBe(counts.orders);
    expect(counts.cases).toBeGreaterThanOrEqual(1);
    expect(counts.case_events).toBeGreaterThanOrEqual(1);
    expect(orders).toContain((body.order as { orderId: string }).orderId);
  });
});
