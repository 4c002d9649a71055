import { ASSIGNEE_CHANGED, type Actor } from '../../src/cases/case-engine.js';
import { createEngineHarness, type EngineHarness } from './support/engine-harness.js';
import {
  assign as assignAs,
  auditTrail,
  caseRow,
  insertAgent,
  insertShop,
  INTEGRATION,
  openCaseCounts,
  openCommand,
  type ShopRow,
} from './support/fixtures.js';
import { outline, writesOf } from './support/sql-log.js';

const ADMIN: Actor = { kind: 'admin', id: 'admin' };

describe('Agents’ open-case counters kept by the case engine on PostgreSQL', () => {
  let h: EngineHarness;
  let shop: ShopRow;
  let ann: string;
  let bo: string;
  let cy: string;

  beforeAll(async () => {
    h = await createEngineHarness();
    shop = await insertShop(h.db);
    [ann, bo, cy] = [await insertAgent(h.db, shop.id), await insertAgent(h.db, shop.id), await insertAgent(h.db, shop.id)];
  });

  afterAll(async () => {
    await h?.close();
  });

  /** The counters as they stand; each must equal the count of the agent's cases that are not archived. */
  async function counters(): Promise<Record<string, number>> {
    const counts = await openCaseCounts(h.db, shop.id);
    for (const [agentId, { counter, actual }] of Object.entries(counts)) expect({ agentId, counter }).toEqual({ agentId, counter: actual });
    return { ann: counts[ann].counter, bo: counts[bo].counter, cy: counts[cy].counter };
  }

  async function open(): Promise<string> {
    return (await h.engine.open(openCommand(shop, h.clock.now()))).record.record.id;
  }

  /** The admin hands the case to `to` (null puts it back in the queue); returns the statements it took. */
  async function assign(caseId: string, to: string | null) {
    const { assignee_id: from } = await caseRow(h.db, caseId);
    return h.sql.capture(() => assignAs(h, shop.id, caseId, to, { from, actor: ADMIN }));
  }

  it('should count a case assigned by distribution when it opens', async () => {
    const { record } = await h.engine.open({ ...openCommand(shop, h.clock.now()), chooseAssignee: async () => ann });
    expect(record.record.assigneeId).toBe(ann);
    expect((await auditTrail(h.db, record.record.id)).map((e) => e.type)).toEqual(['CASE_OPENED', ASSIGNEE_CHANGED]);
    expect(await counters()).toEqual({ ann: 1, bo: 0, cy: 0 });
  });

  it('should move the counters with every assignment, reassignment, release and archive', async () => {
    const start = await counters();
    const [first, second, third] = [await open(), await open(), await open()];
    expect(await counters()).toEqual(start);

    const assigned = await assign(first, ann);
    expect(assigned.error).toBeUndefined();
    // The assignment is a change like any other: lock and load, then one statement with the counter in it.
    expect(outline(assigned.statements)).toEqual(['START TRANSACTION', 'read', 'write', 'COMMIT']);
    expect([...writesOf(assigned.statements)[0].writes].sort()).toEqual(['agent_open_cases', 'case_events', 'cases']);
    await assign(second, ann);
    await assign(third, bo);
    expect(await counters()).toEqual({ ann: start.ann + 2, bo: start.bo + 1, cy: start.cy });

    // Reassigned: one agent's loss is the other's gain, in the same statement.
    const reassigned = await assign(second, cy);
    expect(writesOf(reassigned.statements)).toHaveLength(1);
    expect(await counters()).toEqual({ ann: start.ann + 1, bo: start.bo + 1, cy: start.cy + 1 });

    // Assigned again to whoever holds it: nothing moves.
    await assign(second, cy);
    expect(await counters()).toEqual({ ann: start.ann + 1, bo: start.bo + 1, cy: start.cy + 1 });

    // Back to the queue.
    await assign(third, null);
    expect(await counters()).toEqual({ ann: start.ann + 1, bo: start.bo, cy: start.cy + 1 });

    // Archived (the buyer withdrew): the case leaves its holder's open cases.
    const archived = await h.sql.capture(() => h.engine.apply({ shopId: shop.id, caseId: first, event: { type: 'BUYER_WITHDRAW' }, actor: INTEGRATION }));
    expect(archived.error).toBeUndefined();
    expect(writesOf(archived.statements)[0].writes).toContain('agent_open_cases');
    expect(await caseRow(h.db, first)).toMatchObject({ state: 'archived', assignee_id: ann, archived_at: expect.any(Date) });
    expect(await counters()).toEqual({ ann: start.ann, bo: start.bo, cy: start.cy + 1 });

    // An archived case handed to someone else is not an open case of theirs.
    await assign(first, bo);
    expect(await counters()).toEqual({ ann: start.ann, bo: start.bo, cy: start.cy + 1 });
  });

  it('should keep the counters exact under concurrent assignments of different cases to one agent', async () => {
    const start = await counters();
    const cases = await Promise.all(Array.from({ length: 6 }, () => open()));
    await Promise.all(cases.map((caseId) => assignAs(h, shop.id, caseId, bo)));
    expect(await counters()).toEqual({ ...start, bo: start.bo + 6 });
  });
});
