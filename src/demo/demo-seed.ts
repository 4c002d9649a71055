import { randomUUID } from 'node:crypto';
import type { CaseType } from '../cases/machine/case.types.js';
import { QUEUE_STEPS, queueStepOf } from '../queue/queue-steps.js';

/**
 * A populated first look at the console (`npm run demo`): a demo shop with a team, an API key and about
 * fifty cases at every playbook step and deadline state, made through the public API only, as the order
 * system and the agents would make them. Deadlines run from each case's `requestedAt`, placed before the
 * server's own time so the 48 h merchant windows fall where the queue shows them: some minutes away (they
 * turn overdue and are auto-approved while you watch), some within the warning lead, most further off.
 */

export interface DemoOptions {
  /** Base URL of a running service, e.g. http://127.0.0.1:3000 */
  api: string;
  adminToken: string;
  slug?: string;
  log?: (line: string) => void;
}

export interface DemoLogin {
  role: 'agent' | 'supervisor' | 'auditor';
  displayName: string;
  email: string;
  password: string;
}

export interface DemoSpread {
  /** Open cases per queue step, and archived ones. */
  byStep: Record<string, number>;
  /** Open cases by SLA state, as the queue computes it. */
  bySla: { overdue: number; dueSoon: number; ok: number };
  intervened: number;
  unassigned: number;
  byType: Record<string, number>;
  total: number;
}

export interface DemoResult {
  shop: { id: string; slug: string; name: string; created: boolean };
  logins: DemoLogin[];
  apiKey: string;
  /** Cases created by this run; 0 when the shop had its demo cases already. */
  casesCreated: number;
  consoleUrl: string;
  spread: DemoSpread;
}

export const DEMO_SLUG = 'demo-tmall';
const DEMO_PREFIX = 'DEMO-';

export const DEMO_TEAM: DemoLogin[] = [
  { role: 'agent', displayName: '小李', email: 'xiaoli@demo.example', password: 'demo-agent-xiaoli' },
  { role: 'agent', displayName: '小王', email: 'xiaowang@demo.example', password: 'demo-agent-xiaowang' },
  { role: 'agent', displayName: '小陈', email: 'xiaochen@demo.example', password: 'demo-agent-xiaochen' },
  { role: 'supervisor', displayName: '张主管', email: 'zhang@demo.example', password: 'demo-supervisor-zhang' },
  { role: 'auditor', displayName: '沈审计', email: 'shen@demo.example', password: 'demo-auditor-shen' },
];

type Agent = 0 | 1 | 2;
type Step =
  | 'contact'
  | 'verify'
  | 'apologise'
  | 'full'
  | 'returnAndRefund'
  | 'exchange'
  | 'partial'
  | 'reject'
  | 'compensation'
  | 'accept'
  | 'decline'
  | 'escalate'
  | 'intervene'
  | 'shipReturn'
  | 'received'
  | 'refunded'
  | 'exchangeShipped'
  | 'remedyDone'
  | 'withdraw'
  | 'rulingForMerchant';

interface DemoCase {
  type: CaseType;
  /** How long before the server's now the buyer filed it: the 48 h merchant window runs from then. */
  ageHours: number;
  amount: number;
  reason: string;
  assignee?: Agent;
  steps: Step[];
}

const CONTACTED: Step[] = ['contact', 'verify', 'apologise'];

/**
 * The fifty cases. Open ones without a proposal carry the 48 h merchant-response deadline: with the default
 * 6 h warning lead, ages above 42 h are due soon and those above 47 h turn overdue within the hour.
 */
export const DEMO_CASES: DemoCase[] = [
  // contact: nobody has called the buyer yet
  { type: 'refund', ageHours: 47.9, amount: 29900, reason: 'quality_problem', steps: [] },
  { type: 'refund', ageHours: 46, amount: 15900, reason: 'not_as_described', steps: [] },
  { type: 'return', ageHours: 45, amount: 45900, reason: 'quality_problem', assignee: 0, steps: [] },
  { type: 'exchange', ageHours: 20, amount: 0, reason: 'wrong_item', steps: [] },
  { type: 'complaint', ageHours: 30, amount: 0, reason: 'logistics_delay', steps: [] },
  { type: 'refund', ageHours: 1, amount: 8900, reason: 'no_reason_7_days', steps: [] },
  { type: 'return', ageHours: 47.8, amount: 69900, reason: 'damaged_in_transit', assignee: 1, steps: [] },
  { type: 'refund', ageHours: 47.7, amount: 12900, reason: 'missing_parts', steps: [] },
  { type: 'return', ageHours: 42.5, amount: 39900, reason: 'not_as_described', steps: [] },
  { type: 'refund', ageHours: 30, amount: 5900, reason: 'ordered_wrong', steps: [] },
  { type: 'return', ageHours: 24, amount: 99900, reason: 'quality_problem', steps: [] },
  { type: 'refund', ageHours: 5, amount: 19900, reason: 'not_received', steps: [] },
  { type: 'refund', ageHours: 0.5, amount: 3900, reason: 'no_reason_7_days', steps: [] },
  { type: 'refund', ageHours: 46.5, amount: 25900, reason: 'quality_problem', assignee: 1, steps: [] },
  { type: 'return', ageHours: 41, amount: 35900, reason: 'wrong_item', assignee: 2, steps: [] },
  { type: 'refund', ageHours: 15, amount: 9900, reason: 'logistics_delay', assignee: 2, steps: [] },
  { type: 'refund', ageHours: 2, amount: 16900, reason: 'counterfeit', assignee: 1, steps: [] },
  { type: 'exchange', ageHours: 10, amount: 0, reason: 'not_as_described', steps: [] },
  { type: 'complaint', ageHours: 3, amount: 0, reason: 'other', steps: [] },
  // verify, apologise, propose: the playbook under way
  { type: 'refund', ageHours: 44, amount: 22900, reason: 'quality_problem', assignee: 0, steps: ['contact'] },
  { type: 'return', ageHours: 10, amount: 58900, reason: 'not_as_described', assignee: 1, steps: ['contact'] },
  { type: 'complaint', ageHours: 5, amount: 0, reason: 'logistics_delay', assignee: 2, steps: ['contact'] },
  { type: 'refund', ageHours: 43, amount: 32900, reason: 'damaged_in_transit', assignee: 0, steps: ['contact', 'verify'] },
  { type: 'exchange', ageHours: 12, amount: 0, reason: 'wrong_item', assignee: 2, steps: ['contact', 'verify'] },
  { type: 'refund', ageHours: 40, amount: 18900, reason: 'quality_problem', assignee: 1, steps: CONTACTED },
  { type: 'return', ageHours: 47.5, amount: 79900, reason: 'quality_problem', assignee: 0, steps: CONTACTED },
  // awaiting the buyer, or back with the merchant after a refusal
  { type: 'refund', ageHours: 30, amount: 26900, reason: 'not_as_described', assignee: 0, steps: [...CONTACTED, 'partial'] },
  { type: 'refund', ageHours: 28, amount: 13900, reason: 'ordered_wrong', assignee: 1, steps: [...CONTACTED, 'reject'] },
  { type: 'complaint', ageHours: 20, amount: 0, reason: 'logistics_delay', assignee: 2, steps: [...CONTACTED, 'compensation'] },
  { type: 'refund', ageHours: 36, amount: 21900, reason: 'not_as_described', assignee: 0, steps: [...CONTACTED, 'partial', 'decline'] },
  // follow-up: refunds under way, returns on the road, exchanges and remedies
  { type: 'refund', ageHours: 20, amount: 14900, reason: 'quality_problem', assignee: 1, steps: ['contact', 'full'] },
  { type: 'return', ageHours: 26, amount: 49900, reason: 'quality_problem', assignee: 0, steps: [...CONTACTED, 'returnAndRefund'] },
  { type: 'return', ageHours: 33, amount: 39900, reason: 'wrong_item', assignee: 1, steps: [...CONTACTED, 'returnAndRefund', 'shipReturn'] },
  { type: 'exchange', ageHours: 38, amount: 0, reason: 'wrong_item', assignee: 2, steps: [...CONTACTED, 'exchange', 'shipReturn', 'received'] },
  { type: 'complaint', ageHours: 26, amount: 0, reason: 'logistics_delay', assignee: 2, steps: [...CONTACTED, 'compensation', 'accept'] },
  { type: 'refund', ageHours: 8, amount: 6900, reason: 'missing_parts', assignee: 0, steps: ['full'] },
  // disputes: the buyer asked the platform to step in
  { type: 'refund', ageHours: 40, amount: 35900, reason: 'not_as_described', assignee: 1, steps: [...CONTACTED, 'reject', 'escalate'] },
  { type: 'refund', ageHours: 45, amount: 42900, reason: 'quality_problem', assignee: 0, steps: [...CONTACTED, 'reject', 'escalate', 'intervene'] },
  { type: 'return', ageHours: 44, amount: 88900, reason: 'counterfeit', assignee: 1, steps: [...CONTACTED, 'reject', 'escalate', 'intervene'] },
  { type: 'refund', ageHours: 20, amount: 27900, reason: 'not_received', assignee: 2, steps: ['contact', 'intervene'] },
  // archived: every way a case ends
  { type: 'refund', ageHours: 31, amount: 19900, reason: 'quality_problem', assignee: 0, steps: ['contact', 'full', 'refunded'] },
  { type: 'refund', ageHours: 29, amount: 29900, reason: 'not_as_described', assignee: 1, steps: [...CONTACTED, 'partial', 'accept', 'refunded'] },
  {
    type: 'return',
    ageHours: 35,
    amount: 59900,
    reason: 'quality_problem',
    assignee: 2,
    steps: [...CONTACTED, 'returnAndRefund', 'shipReturn', 'received', 'refunded'],
  },
  {
    type: 'exchange',
    ageHours: 39,
    amount: 0,
    reason: 'wrong_item',
    assignee: 0,
    steps: [...CONTACTED, 'exchange', 'shipReturn', 'received', 'exchangeShipped'],
  },
  { type: 'complaint', ageHours: 60, amount: 0, reason: 'logistics_delay', assignee: 1, steps: [...CONTACTED, 'compensation', 'accept', 'remedyDone'] },
  { type: 'refund', ageHours: 12, amount: 7900, reason: 'ordered_wrong', steps: ['withdraw'] },
  { type: 'refund', ageHours: 34, amount: 11900, reason: 'ordered_wrong', assignee: 2, steps: [...CONTACTED, 'reject', 'accept'] },
  {
    type: 'refund',
    ageHours: 37,
    amount: 33900,
    reason: 'not_as_described',
    assignee: 0,
    steps: [...CONTACTED, 'reject', 'escalate', 'intervene', 'rulingForMerchant'],
  },
  // filed more than 48 h before anyone answered: the platform approved them on arrival
  { type: 'refund', ageHours: 49, amount: 17900, reason: 'quality_problem', steps: ['refunded'] },
  { type: 'return', ageHours: 50, amount: 45900, reason: 'quality_problem', steps: [] },
];

const NICKNAMES = ['小明', '小红', '阿强', '晓燕', '大伟', '丽丽', '阿杰', '婷婷', '老张', '小鱼儿', '甜甜圈', '风之子', 'Lucy_W', 'momo酱'];
const ITEMS = [
  { sku: 'SKU-SHOE-42', title: '男士运动鞋 红色 42码' },
  { sku: 'SKU-TEE-L', title: '纯棉T恤 白色 L' },
  { sku: 'SKU-BAG-01', title: '真皮手提包 棕色' },
  { sku: 'SKU-HEAD-02', title: '无线蓝牙耳机' },
  { sku: 'SKU-CUP-05', title: '保温杯 500ml' },
];

/** A JSON call to the service; throws with the problem it answered unless it is one of `ok`. */
export class DemoApi {
  constructor(private readonly base: string) {}

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the demo reads a few fields of answers it does not model
  async call<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; ok?: number[]; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, this.base), {
      method,
      headers: {
        accept: 'application/json',
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const body = text ? JSON.parse(text) : undefined;
    if (!(options.ok ?? [200, 201, 204]).includes(response.status)) {
      throw new Error(`${method} ${path}: ${response.status} ${body?.code ?? ''} ${body?.detail ?? text}`.trim());
    }
    return { status: response.status, body };
  }
}

export async function seedDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const api = new DemoApi(options.api);
  const admin = options.adminToken;
  const slug = options.slug ?? DEMO_SLUG;

  // The shop: reused when the slug exists.
  const shop = await findOrCreateShop(api, admin, slug);
  log(shop.created ? `created shop ${slug}` : `reusing shop ${slug}`);

  // The team, with known passwords (an account that exists keeps its password: the demo's, unless changed).
  const existing: Array<{ email: string }> = (await api.call('GET', `/v1/shops/${shop.id}/agents`, { token: admin })).body;
  for (const member of DEMO_TEAM) {
    if (existing.some((agent) => agent.email === member.email)) continue;
    await api.call('POST', `/v1/shops/${shop.id}/agents`, {
      token: admin,
      body: { email: member.email, displayName: member.displayName, role: member.role, password: member.password },
    });
  }
  const tokens = new Map<string, string>();
  for (const member of DEMO_TEAM) {
    const login = await api.call('POST', '/v1/auth/login', { body: { shop: slug, email: member.email, password: member.password }, ok: [201, 401] });
    if (login.status === 401) throw new Error(`cannot sign in as ${member.email} with the demo password: was it changed? Use another slug (DEMO_SLUG).`);
    tokens.set(member.email, login.body.token);
  }
  const idOf = new Map<string, string>();
  for (const agent of (await api.call('GET', `/v1/shops/${shop.id}/agents`, { token: admin })).body as Array<{ id: string; email: string }>)
    idOf.set(agent.email, agent.id);
  const agents = DEMO_TEAM.filter((m) => m.role === 'agent');
  const supervisor = DEMO_TEAM.find((m) => m.role === 'supervisor')!;
  const supervisorToken = tokens.get(supervisor.email)!;
  for (const member of [...agents, supervisor]) {
    await api.call('PUT', '/v1/agents/me/presence', { token: tokens.get(member.email)!, body: { presence: 'online' } });
  }

  const apiKey: string = (
    await api.call('POST', `/v1/shops/${shop.id}/api-keys`, { token: admin, body: { name: `demo order system ${new Date().toISOString().slice(0, 10)}` } })
  ).body.key;
  log('created an API key for the demo order system');

  // The cases, each once per shop (by its platform case id): a second run adds none.
  // Deadlines are placed by the server's clock, which need not be this machine's.
  const serverNow = new Date((await api.call('GET', '/v1/console/bootstrap', { token: supervisorToken })).body.serverTime).getTime();
  let casesCreated = 0;
  for (const [index, spec] of DEMO_CASES.entries()) {
    const assignee = spec.assignee === undefined ? undefined : agents[spec.assignee];
    const created = await seedCase(api, {
      index,
      spec,
      serverNow,
      apiKey,
      supervisorToken,
      agentToken: assignee ? tokens.get(assignee.email)! : supervisorToken,
      assigneeId: assignee ? idOf.get(assignee.email) : undefined,
    });
    if (created) casesCreated += 1;
  }
  log(casesCreated > 0 ? `created ${casesCreated} cases` : 'the demo cases were there already: none added');

  const spread = await spreadOf(
    api,
    supervisorToken,
    [...agents, supervisor].map((m) => idOf.get(m.email)!),
  );
  return {
    shop: { id: shop.id, slug, name: shop.name, created: shop.created },
    logins: DEMO_TEAM,
    apiKey,
    casesCreated,
    consoleUrl: new URL('/', options.api).toString(),
    spread,
  };
}

async function findOrCreateShop(api: DemoApi, admin: string, slug: string): Promise<{ id: string; name: string; created: boolean }> {
  const created = await api.call('POST', '/v1/shops', {
    token: admin,
    body: { slug, name: '演示旗舰店 Demo Store', platform: 'tmall', timezone: 'Asia/Shanghai', distributionEnabled: false },
    ok: [201, 409],
  });
  if (created.status === 201) return { id: created.body.id, name: created.body.name, created: true };
  let cursor: string | null = null;
  do {
    const page: { body: { items: Array<{ id: string; slug: string; name: string }>; nextCursor: string | null } } = await api.call(
      'GET',
      `/v1/shops?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: admin },
    );
    const found = page.body.items.find((shop) => shop.slug === slug);
    if (found) return { id: found.id, name: found.name, created: false };
    cursor = page.body.nextCursor;
  } while (cursor);
  throw new Error(`shop ${slug} exists but is not listed`);
}

interface SeedCaseInput {
  index: number;
  spec: DemoCase;
  serverNow: number;
  apiKey: string;
  supervisorToken: string;
  agentToken: string;
  assigneeId: string | undefined;
}

/** Opens the case and works it to where its spec says; false when the shop had it already. */
async function seedCase(api: DemoApi, input: SeedCaseInput): Promise<boolean> {
  const { index, spec, serverNow, apiKey } = input;
  const number = String(index + 1).padStart(4, '0');
  const item = ITEMS[index % ITEMS.length];
  // Exchanges and complaints ask for no money; their orders still cost something.
  const paid = spec.amount > 0 ? spec.amount : 19900 + 1000 * (index % 7);
  const nickname = NICKNAMES[index % NICKNAMES.length];
  const opened = await api.call('POST', '/v1/cases', {
    token: apiKey,
    headers: { 'idempotency-key': randomUUID() },
    body: {
      type: spec.type,
      platformCaseId: `${DEMO_PREFIX}${number}`,
      reasonCode: spec.reason,
      buyerText: '收到的商品有问题，请尽快处理',
      requestedAmount: spec.amount,
      requestedAt: new Date(serverNow - spec.ageHours * 3_600_000).toISOString(),
      buyer: { id: `tb_demo_${number}`, nickname, phone: `1380013${number}`, address: '浙江省杭州市余杭区文一西路 969 号' },
      order: {
        orderId: `DEMO-ORD-${number}`,
        status: 'shipped',
        paidTotal: paid,
        currency: 'CNY',
        shippedAt: new Date(serverNow - (spec.ageHours + 72) * 3_600_000).toISOString(),
        items: [{ ...item, quantity: 1, unitPrice: paid, goodsKind: 'standard' }],
      },
    },
  });
  if (opened.status === 200) return false;
  const caseId: string = opened.body.id;
  if (input.assigneeId) {
    await api.call('PUT', `/v1/cases/${caseId}/assignee`, { token: input.supervisorToken, body: { agentId: input.assigneeId } });
  }
  const agent = (event: Record<string, unknown>) => api.call('POST', `/v1/cases/${caseId}/events`, { token: input.agentToken, body: event });
  const integration = (event: Record<string, unknown>) => api.call('POST', `/v1/cases/${caseId}/events`, { token: apiKey, body: event });
  let reserved = spec.amount;
  for (const step of spec.steps) {
    switch (step) {
      case 'contact':
        await agent({ type: 'CONTACT_BUYER', note: '已联系买家，了解了具体情况' });
        break;
      case 'verify':
        await agent({ type: 'VERIFY', verifiedReasonCode: spec.reason, findings: '核对了买家提供的照片和物流记录' });
        break;
      case 'apologise':
        await agent({ type: 'APOLOGISE', note: '给您带来不便，非常抱歉' });
        break;
      case 'full':
        await agent({ type: 'PROPOSE', resolution: 'full_refund', note: '同意全额退款，款项将原路退回' });
        break;
      case 'returnAndRefund':
        await agent({ type: 'PROPOSE', resolution: 'return_and_refund', note: '请将商品寄回，收到后为您退款' });
        break;
      case 'exchange':
        await agent({ type: 'PROPOSE', resolution: 'exchange', note: '请将商品寄回，我们为您换新' });
        break;
      case 'partial':
        reserved = Math.round(spec.amount / 2);
        await agent({ type: 'PROPOSE', resolution: 'partial_refund', amount: reserved, note: '商品不影响使用，为您退一半货款作为补偿' });
        break;
      case 'reject':
        await agent({ type: 'PROPOSE', resolution: 'reject', note: '经核实商品无质量问题，暂不支持退款' });
        break;
      case 'compensation':
        await agent({ type: 'PROPOSE', resolution: 'compensation', note: '为您补发一份小礼品表示歉意' });
        break;
      case 'accept':
        await integration({ type: 'BUYER_ACCEPT' });
        break;
      case 'decline':
        await integration({ type: 'BUYER_DECLINE', note: '买家不接受部分退款' });
        break;
      case 'escalate':
        await integration({ type: 'BUYER_ESCALATE' });
        break;
      case 'intervene':
        await integration({ type: 'PLATFORM_INTERVENED' });
        break;
      case 'shipReturn':
        await integration({ type: 'RETURN_SHIPPED', carrier: '顺丰速运', trackingNo: `SF${number}00${index}` });
        break;
      case 'received':
        await agent({ type: 'GOODS_RECEIVED', inspection: '退回商品完好，吊牌齐全' });
        break;
      case 'refunded':
        await integration({ type: 'REFUND_EXECUTED', amount: reserved, refundId: `RF-DEMO-${number}` });
        break;
      case 'exchangeShipped':
        await agent({ type: 'EXCHANGE_SHIPPED', carrier: '中通快递', trackingNo: `ZT${number}77` });
        break;
      case 'remedyDone':
        await agent({ type: 'REMEDY_DONE', note: '小礼品已寄出' });
        break;
      case 'withdraw':
        await integration({ type: 'BUYER_WITHDRAW' });
        break;
      case 'rulingForMerchant':
        await integration({ type: 'PLATFORM_RULING', favour: 'merchant' });
        break;
    }
  }
  return true;
}

/** Where the shop's cases stand: open ones by queue step and SLA state (as the queue says), archived ones. */
export async function spreadOf(client: DemoApi, supervisorToken: string, workerIds: string[]): Promise<DemoSpread> {
  const items: Array<{ step: string; sla: 'ok' | 'due_soon' | 'overdue'; intervened: boolean; assigneeId: string | null; type: string }> = [];
  for (const assignee of ['unassigned', ...workerIds]) {
    let cursor: string | null = null;
    do {
      const page: { body: { items: typeof items; nextCursor: string | null } } = await client.call(
        'GET',
        `/v1/queue?assignee=${assignee}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { token: supervisorToken },
      );
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
  }
  let archived = 0;
  const byType: Record<string, number> = {};
  let cursor: string | null = null;
  do {
    const page: { body: { items: Array<{ state: string; type: string }>; nextCursor: string | null } } = await client.call(
      'GET',
      `/v1/cases?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      { token: supervisorToken },
    );
    for (const view of page.body.items) {
      if (queueStepOf(view.state) === 'archive') archived += 1;
      byType[view.type] = (byType[view.type] ?? 0) + 1;
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  const byStep: Record<string, number> = Object.fromEntries(QUEUE_STEPS.map((step) => [step, items.filter((i) => i.step === step).length]));
  byStep.archive = archived;
  return {
    byStep,
    bySla: {
      overdue: items.filter((i) => i.sla === 'overdue').length,
      dueSoon: items.filter((i) => i.sla === 'due_soon').length,
      ok: items.filter((i) => i.sla === 'ok').length,
    },
    intervened: items.filter((i) => i.intervened).length,
    unassigned: items.filter((i) => i.assigneeId === null).length,
    byType,
    total: items.length + archived,
  };
}
