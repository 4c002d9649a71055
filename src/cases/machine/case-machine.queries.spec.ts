import { caseInput } from './case-input.fixture.js';
import {
  allowedEvents,
  applyCaseEvent,
  evidenceWindow,
  evidenceWindowMs,
  persistSnapshot,
  restoreSnapshot,
  startCase,
  stepOf,
  timerPlan,
  type CaseSnapshot,
} from './case-machine.queries.js';
import { casePolicyFromShopWindows, DEFAULT_CASE_POLICY } from './case-timers.js';
import type { CaseEvent, CaseInput } from './case.types.js';

const input: CaseInput = caseInput({ caseType: 'return' });

const returnPath: CaseEvent[] = [
  { type: 'CONTACT_BUYER', note: 'called' },
  { type: 'VERIFY', verifiedReasonCode: 'quality_problem', verifiedReasonCategory: 'quality', findings: 'torn seam' },
  { type: 'APOLOGISE', note: 'sorry' },
  { type: 'PROPOSE', resolution: 'partial_refund', amount: 6_000, note: 'keep it, 60 yuan back' },
  { type: 'BUYER_DECLINE', note: 'wants to return it' },
  { type: 'PROPOSE', resolution: 'return_and_refund', note: 'return it then' },
  { type: 'RETURN_SHIPPED', carrier: 'SF', trackingNo: 'SF1' },
  { type: 'GOODS_RECEIVED', inspection: 'as described' },
  { type: 'REFUND_EXECUTED', amount: 10_000, refundId: 'rf-1' },
];

function throughJson(snapshot: CaseSnapshot): CaseSnapshot {
  return restoreSnapshot(JSON.parse(JSON.stringify(persistSnapshot(snapshot))));
}

describe(restoreSnapshot.name, () => {
  it('should continue a case restored from JSON after every step exactly like the live one', () => {
    let live = startCase(input).snapshot;
    for (const event of returnPath) {
      const restored = throughJson(live);
      expect(stepOf(restored)).toBe(stepOf(live));
      expect(restored.context).toEqual(live.context);
      expect(allowedEvents(restored)).toEqual(allowedEvents(live));

      const fromLive = applyCaseEvent(live, event);
      const fromRestored = applyCaseEvent(restored, event);
      if (!fromLive.accepted || !fromRestored.accepted) throw new Error(`${event.type} refused`);
      expect(stepOf(fromRestored.snapshot)).toBe(stepOf(fromLive.snapshot));
      expect(fromRestored.snapshot.context).toEqual(fromLive.snapshot.context);
      expect(timerPlan(fromRestored.actions)).toEqual(timerPlan(fromLive.actions));
      live = fromLive.snapshot;
    }
    const archived = throughJson(live);
    expect(archived.status).toBe('done');
    expect(archived.context).toMatchObject({ outcome: 'refunded', refundedAmount: 10_000, reservedAmount: 0 });
    expect(allowedEvents(archived)).toEqual([]);
  });

  it('should persist plain JSON', () => {
    const persisted = persistSnapshot(startCase(input).snapshot);
    expect(JSON.parse(JSON.stringify(persisted))).toEqual(persisted);
    expect(persisted).toMatchObject({ status: 'active', value: { open: 'contact' } });
  });

  it.each([null, 'open', {}, { value: 'open' }, { value: 42, context: {} }])('should refuse %j as a snapshot', (garbage) => {
    expect(() => restoreSnapshot(garbage)).toThrow(TypeError);
  });

  it('should refuse a state the machine does not have', () => {
    const persisted = persistSnapshot(startCase(input).snapshot);
    expect(() => restoreSnapshot({ ...persisted, value: { open: 'negotiate' } })).toThrow();
  });
});

describe(startCase.name, () => {
  it.each<[string, Partial<CaseInput>]>([
    ['a missing window', { policy: { ...DEFAULT_CASE_POLICY, buyerReturnMs: undefined as unknown as number } }],
    ['a zero window', { policy: { ...DEFAULT_CASE_POLICY, merchantResponseMs: 0 } }],
    ['a fractional amount', { requestedAmount: 10.5 }],
    ['a request above the paid amount', { requestedAmount: 12_001 }],
    ['a refund of nothing', { requestedAmount: 0 }],
  ])('should refuse %s', (_, overrides) => {
    expect(() => startCase({ ...input, ...overrides })).toThrow(RangeError);
  });

  it('should take its windows from the shop policy', () => {
    const policy = casePolicyFromShopWindows({
      merchantResponseHours: 24,
      buyerReturnShippingDays: 7,
      merchantReceiptDays: 10,
      disputeEvidenceHours: 48,
      buyerEscalationDays: 7,
    });
    const { actions } = startCase({ ...input, policy });
    expect(timerPlan(actions).schedule[0]).toMatchObject({ delayName: 'MERCHANT_RESPONSE', delayMs: 24 * 3_600_000 });
  });
});

describe(stepOf.name, () => {
  it.each([
    [{ open: 'verify' }, 'open.verify'],
    [{ followUp: 'refunding' }, 'followUp.refunding'],
    ['awaitingBuyer', 'awaitingBuyer'],
    ['archived', 'archived'],
  ])('should flatten %j to %s', (value, step) => {
    expect(stepOf({ value })).toBe(step);
  });
});

describe(timerPlan.name, () => {
  const raise = (id: string, delay: number) => ({ type: 'xstate.raise', params: { event: { type: 'X' }, id, delay } });
  const cancel = (sendId: string) => ({ type: 'xstate.cancel', params: { sendId } });

  it('should keep a restarted timer in both lists so cancelling first then scheduling is right', () => {
    expect(timerPlan([cancel('buyer-escalation'), raise('buyer-escalation', 5)])).toEqual({
      cancel: ['buyer-escalation'],
      schedule: [{ timerId: 'buyer-escalation', event: 'BUYER_ESCALATION_EXPIRED', delayName: 'BUYER_ESCALATION', delayMs: 5 }],
    });
  });

  it('should drop a timer scheduled and cancelled within one transition', () => {
    expect(timerPlan([raise('buyer-return', 5), cancel('buyer-return')])).toEqual({ cancel: ['buyer-return'], schedule: [] });
  });

  it('should ignore immediate raises and other actions, and refuse unknown timer ids', () => {
    expect(timerPlan([{ type: 'xstate.raise', params: { event: { type: 'X' }, id: undefined, delay: undefined } }, { type: 'xstate.assign' }])).toEqual({
      cancel: [],
      schedule: [],
    });
    expect(() => timerPlan([raise('made-up', 5)])).toThrow('Unknown timer id made-up');
  });
});

describe(evidenceWindow.name, () => {
  const HOUR = 3_600_000;
  const now = new Date('2026-11-20T12:00:00.000Z');
  const context = startCase(input).snapshot.context;
  const inEvidence = restoreSnapshot({ value: { dispute: 'evidence' }, context });
  const afterWindow = restoreSnapshot({ value: { dispute: 'awaitingRuling' }, context: { ...context, evidenceWindowClosed: true } });
  const timer = (dueAt: Date) => [
    { timerId: 'merchant-response', dueAt: new Date(0) },
    { timerId: 'dispute-evidence', dueAt },
  ];

  it('should be open before the evidence timer is due', () => {
    expect(evidenceWindow(inEvidence, timer(new Date(now.getTime() + 1)), now)).toEqual({ closed: false });
  });

  it('should close at the due time, before the sweeper fires the timer', () => {
    expect(evidenceWindow(inEvidence, timer(now), now)).toEqual({ closed: true, dueAt: now });
    const past = new Date(now.getTime() - HOUR);
    expect(evidenceWindow(inEvidence, timer(past), now)).toEqual({ closed: true, dueAt: past });
  });

  it('should stay closed once the timer has fired, with the deadline left to the caller', () => {
    expect(evidenceWindow(afterWindow, [], now)).toEqual({ closed: true, dueAt: null });
    expect(applyCaseEvent(afterWindow, { type: 'SUBMIT_EVIDENCE' })).toMatchObject({ accepted: false, reason: 'EVIDENCE_WINDOW_CLOSED' });
  });

  it('should be open for a case that never had an evidence window', () => {
    expect(evidenceWindow(startCase(input).snapshot, [], now)).toEqual({ closed: false });
  });

  it('should size the window from the case policy', () => {
    expect(evidenceWindowMs(inEvidence)).toBe(DEFAULT_CASE_POLICY.disputeEvidenceMs);
  });
});
