import { caseInput } from './case-input.fixture.js';
import { getShortestPaths } from 'xstate/graph';
import { caseMachineMermaid, describeCaseMachine } from './case-machine.describe.js';
import { allowedEvents, applyCaseEvent, startCase, stepOf, timerPlan, type CaseSnapshot, type TimerPlan } from './case-machine.queries.js';
import { CASE_RULE_KEYS } from './case-rules.js';
import { CASE_TIMERS, timerApplies, type TimerName } from './case-timers.js';
import { caseMachine } from './case.machine.js';
import { CASE_EVENT_TYPES, isTimerEventType, type CaseContext, type CaseEvent, type CaseInput } from './case.types.js';

// The walk tries every kind of event, with valid and invalid payloads, in every reachable state of a
// few representative cases, and records what happened. The assertions below read that record.

function sampleEvents(context: CaseContext): CaseEvent[] {
  const half = Math.max(1, Math.floor(context.requestedAmount / 2));
  return [
    { type: 'CONTACT_BUYER', note: 'called the buyer' },
    { type: 'VERIFY', verifiedReasonCode: 'quality_problem', verifiedReasonCategory: 'quality', findings: 'defect confirmed' },
    { type: 'VERIFY', verifiedReasonCode: 'no_reason_7_days', verifiedReasonCategory: 'non_quality', findings: 'intact', note: 'photos show no defect' },
    { type: 'VERIFY', verifiedReasonCode: 'no_reason_7_days', verifiedReasonCategory: 'non_quality', findings: 'intact' },
    { type: 'APOLOGISE', note: 'apologised' },
    { type: 'PROPOSE', resolution: 'full_refund', note: 'n' },
    { type: 'PROPOSE', resolution: 'partial_refund', amount: half, note: 'n' },
    { type: 'PROPOSE', resolution: 'compensation', amount: half, note: 'n' },
    { type: 'PROPOSE', resolution: 'compensation', note: 'coupon' },
    { type: 'PROPOSE', resolution: 'reject', note: 'n' },
    { type: 'PROPOSE', resolution: 'return_and_refund', note: 'n' },
    { type: 'PROPOSE', resolution: 'return_and_refund', amount: half, note: 'n' },
    { type: 'PROPOSE', resolution: 'exchange', note: 'n' },
    { type: 'PROPOSE', resolution: 'partial_refund', amount: context.requestedAmount + 1, note: 'n' },
    { type: 'GOODS_RECEIVED', inspection: 'as described' },
    { type: 'EXCHANGE_SHIPPED', carrier: 'SF', trackingNo: 'SF100' },
    { type: 'REMEDY_DONE', note: 'coupon sent' },
    { type: 'SUBMIT_EVIDENCE' },
    { type: 'BUYER_ACCEPT' },
    { type: 'BUYER_DECLINE', note: 'not enough' },
    { type: 'BUYER_ESCALATE' },
    { type: 'RETURN_SHIPPED', carrier: 'YTO', trackingNo: 'YT200' },
    { type: 'BUYER_WITHDRAW' },
    { type: 'REFUND_EXECUTED', amount: context.reservedAmount, refundId: 'rf-1' },
    { type: 'REFUND_EXECUTED', amount: context.reservedAmount + 1, refundId: 'rf-2' },
    { type: 'REFUND_FAILED', reason: 'account frozen' },
    { type: 'PLATFORM_INTERVENED' },
    { type: 'PLATFORM_RULING', favour: 'buyer' },
    { type: 'PLATFORM_RULING', favour: 'buyer', amount: half },
    { type: 'PLATFORM_RULING', favour: 'buyer', amount: context.paidAmount + 1 },
    { type: 'PLATFORM_RULING', favour: 'merchant' },
    { type: 'MERCHANT_RESPONSE_EXPIRED' },
    { type: 'BUYER_RETURN_EXPIRED' },
    { type: 'MERCHANT_RECEIPT_EXPIRED' },
    { type: 'DISPUTE_EVIDENCE_EXPIRED' },
    { type: 'BUYER_ESCALATION_EXPIRED' },
  ];
}

// Two snapshots that differ only in what was recorded (notes, skipped steps, reason codes) behave the
// same, so the walk treats them as one state; without this the graph is ten times larger.
function behaviourKey(snapshot: CaseSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify([
    snapshot.value,
    c.stepsDone,
    c.proposal,
    c.approvedVia,
    c.reservedAmount,
    c.refundedAmount,
    c.disputed,
    c.evidenceWindowClosed,
    c.outcome,
  ]);
}

const VARIANTS: Record<string, CaseInput> = {
  'refund': caseInput({ caseType: 'refund' }),
  'return': caseInput({ caseType: 'return' }),
  'exchange': caseInput({ caseType: 'exchange', claimedReasonCode: 'no_reason_7_days', claimedReasonCategory: 'non_quality' }),
  'complaint': caseInput({ caseType: 'complaint', requestedAmount: 3_000 }),
  'refund of unshipped fresh food': caseInput({ caseType: 'refund', orderShipped: false, specialGoods: true }),
};

interface Outcome {
  event: CaseEvent;
  accepted: boolean;
  reason?: string;
  machineHasTransition: boolean;
  next?: CaseSnapshot;
  nextKey?: string;
  plan?: TimerPlan;
}

interface Explored {
  input: CaseInput;
  initialPlan: TimerPlan;
  nodes: Map<string, { snapshot: CaseSnapshot; outcomes: Outcome[] }>;
}

function explore(input: CaseInput): Explored {
  const start = startCase(input);
  // xstate/graph enumerates the reachable states; every event is then tried in each of them.
  const paths = getShortestPaths(caseMachine, {
    input,
    events: (snapshot) => sampleEvents(snapshot.context),
    serializeState: (snapshot) => behaviourKey(snapshot),
  });
  const nodes: Explored['nodes'] = new Map();
  for (const { state: snapshot } of paths) {
    const outcomes = sampleEvents(snapshot.context).map((event): Outcome => {
      const result = applyCaseEvent(snapshot, event);
      const machineHasTransition = snapshot.can(event);
      if (!result.accepted) return { event, accepted: false, reason: result.reason, machineHasTransition };
      return {
        event,
        accepted: true,
        machineHasTransition,
        next: result.snapshot,
        nextKey: behaviourKey(result.snapshot),
        plan: timerPlan(result.actions),
      };
    });
    nodes.set(behaviourKey(snapshot), { snapshot, outcomes });
  }
  expect(nodes.has(behaviourKey(start.snapshot))).toBe(true);
  return { input, initialPlan: timerPlan(start.actions), nodes };
}

const description = describeCaseMachine();
const stateByPath = new Map(description.states.map((state) => [state.path, state]));

function expectedTimers(snapshot: CaseSnapshot): string[] {
  const timers = stateByPath.get(stepOf(snapshot))?.timers ?? [];
  return timers
    .filter((timer) => timerApplies(timer, snapshot.context.caseType))
    .map((timer) => CASE_TIMERS[timer].timerId)
    .sort();
}

const explored = new Map<string, Explored>();
beforeAll(() => {
  for (const [name, input] of Object.entries(VARIANTS)) explored.set(name, explore(input));
});

const variantNames = Object.keys(VARIANTS);

describe('case machine graph', () => {
  it.each(variantNames)('should reach archived from every reachable state of the %s case', (name) => {
    const { nodes } = explored.get(name)!;
    const canFinish = new Set([...nodes].filter(([, node]) => node.snapshot.status === 'done').map(([key]) => key));
    let grew = true;
    while (grew) {
      grew = false;
      for (const [key, node] of nodes) {
        if (!canFinish.has(key) && node.outcomes.some((o) => o.accepted && canFinish.has(o.nextKey!))) {
          canFinish.add(key);
          grew = true;
        }
      }
    }
    const stuck = [...nodes].filter(([key]) => !canFinish.has(key)).map(([, node]) => stepOf(node.snapshot));
    expect(stuck).toEqual([]);
  });

  it('should reach every state it describes', () => {
    const reached = new Set([...explored.values()].flatMap(({ nodes }) => [...nodes.values()].map((node) => stepOf(node.snapshot))));
    expect([...reached].sort()).toEqual(description.states.map((state) => state.path).sort());
  });

  it.each(variantNames)('should list, for every state of the %s case, exactly the events the machine has transitions for', (name) => {
    const problems: string[] = [];
    for (const { snapshot, outcomes } of explored.get(name)!.nodes.values()) {
      const step = stepOf(snapshot);
      const listed = stateByPath.get(step)!.events;
      if (allowedEvents(snapshot).join() !== listed.join()) problems.push(`${step}: allows ${allowedEvents(snapshot).join()}, described ${listed.join()}`);
      for (const outcome of outcomes) {
        if (isTimerEventType(outcome.event.type) || listed.includes(outcome.event.type)) continue;
        // Not listed: the machine really has no transition, and the caller gets a 409.
        if (outcome.machineHasTransition || outcome.reason !== 'not_allowed_in_state') {
          problems.push(`${step} ${outcome.event.type}: unlisted but ${outcome.reason ?? 'accepted'}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(variantNames)('should accept or refuse with a rule key every listed event of the %s case, never ignore it', (name) => {
    const ruleKeys: readonly string[] = CASE_RULE_KEYS;
    const problems: string[] = [];
    for (const { snapshot, outcomes } of explored.get(name)!.nodes.values()) {
      const listed = stateByPath.get(stepOf(snapshot))!.events;
      for (const outcome of outcomes.filter((o) => listed.includes(o.event.type) && !o.accepted)) {
        if (!ruleKeys.includes(outcome.reason!)) problems.push(`${stepOf(snapshot)} ${JSON.stringify(outcome.event)}: ${outcome.reason}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should accept each listed event in some reachable case', () => {
    // Listed only so that late evidence gets EVIDENCE_WINDOW_CLOSED rather than EVENT_NOT_ALLOWED.
    const refusedByDesign = new Set(['dispute.awaitingRuling SUBMIT_EVIDENCE']);
    const accepted = new Set<string>();
    for (const { nodes } of explored.values()) {
      for (const { snapshot, outcomes } of nodes.values()) {
        for (const o of outcomes) if (o.accepted) accepted.add(`${stepOf(snapshot)} ${o.event.type}`);
      }
    }
    const neverAccepted = description.states.flatMap((state) =>
      state.events.map((event) => `${state.path} ${event}`).filter((pair) => !accepted.has(pair) && !refusedByDesign.has(pair)),
    );
    expect(neverAccepted).toEqual([]);
  });

  it.each(variantNames)('should keep the durable timers of the %s case equal to the deadlines of its state', (name) => {
    const { nodes, initialPlan, input } = explored.get(name)!;
    const start = startCase(input).snapshot;
    expect(initialPlan.schedule.map((t) => t.timerId).sort()).toEqual(expectedTimers(start));
    const problems: string[] = [];
    for (const { snapshot, outcomes } of nodes.values()) {
      for (const outcome of outcomes.filter((o) => o.accepted)) {
        const live = new Set(expectedTimers(snapshot));
        for (const timerId of outcome.plan!.cancel) live.delete(timerId);
        for (const timer of outcome.plan!.schedule) {
          live.add(timer.timerId);
          if (timer.delayMs !== input.policy[CASE_TIMERS[timer.delayName].policyKey]) problems.push(`${timer.timerId} due after ${timer.delayMs} ms`);
        }
        const expected = expectedTimers(outcome.next!);
        if ([...live].sort().join() !== expected.join()) {
          problems.push(`${stepOf(snapshot)} ${outcome.event.type} → ${stepOf(outcome.next!)}: timers ${[...live].sort().join()}, expected ${expected.join()}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(variantNames)('should accept the expiry of every running timer of the %s case', (name) => {
    const problems: string[] = [];
    for (const { snapshot, outcomes } of explored.get(name)!.nodes.values()) {
      for (const timerId of expectedTimers(snapshot)) {
        const timer = Object.values(CASE_TIMERS).find((t) => t.timerId === timerId)!;
        const outcome = outcomes.find((o) => o.event.type === timer.event)!;
        if (!outcome.accepted) problems.push(`${stepOf(snapshot)} ${timer.event}: ${outcome.reason}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should never schedule the merchant-response timer or auto-approve for a complaint', () => {
    const { nodes, initialPlan } = explored.get('complaint')!;
    const scheduled = [...initialPlan.schedule, ...[...nodes.values()].flatMap((node) => node.outcomes.flatMap((o) => o.plan?.schedule ?? []))].map(
      (timer) => timer.delayName,
    );
    expect(scheduled).not.toContain<TimerName>('MERCHANT_RESPONSE');
    expect(scheduled).toContain<TimerName>('BUYER_ESCALATION');
    expect([...nodes.values()].some((node) => node.snapshot.context.approvedVia === 'auto')).toBe(false);
  });

  it.each(variantNames)('should archive the %s case as withdrawn with nothing reserved from every non-final state', (name) => {
    const problems: string[] = [];
    let checked = 0;
    for (const { snapshot, outcomes } of explored.get(name)!.nodes.values()) {
      if (snapshot.status === 'done') continue;
      checked += 1;
      const next = outcomes.find((o) => o.event.type === 'BUYER_WITHDRAW')!.next;
      const c = next?.context;
      if (
        !next ||
        stepOf(next) !== 'archived' ||
        c!.outcome !== 'withdrawn' ||
        c!.reservedAmount !== 0 ||
        c!.refundedAmount !== snapshot.context.refundedAmount
      ) {
        problems.push(`${stepOf(snapshot)}: ${next ? `${stepOf(next)} ${c!.outcome} reserved ${c!.reservedAmount}` : 'refused'}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it.each(variantNames)('should keep the money of the %s case exact', (name) => {
    const problems: string[] = [];
    for (const { snapshot, outcomes } of explored.get(name)!.nodes.values()) {
      const c = snapshot.context;
      const where = `${stepOf(snapshot)} reserved ${c.reservedAmount} refunded ${c.refundedAmount} outcome ${c.outcome}`;
      if (!Number.isSafeInteger(c.reservedAmount) || c.reservedAmount < 0) problems.push(`${where}: bad reservation`);
      if (c.reservedAmount + c.refundedAmount > c.paidAmount) problems.push(`${where}: over the paid amount`);
      if ((c.outcome !== null) !== (snapshot.status === 'done')) problems.push(`${where}: outcome and status disagree`);
      if (snapshot.status === 'done' && c.reservedAmount !== 0) problems.push(`${where}: archived with money reserved`);
      // Money is reserved exactly while an approved refund waits to be paid.
      const awaitsPayment = ['followUp.awaitingReturn', 'followUp.returnInTransit', 'followUp.refunding'].includes(stepOf(snapshot));
      if (c.reservedAmount > 0 && !awaitsPayment) problems.push(`${where}: money reserved outside follow-up`);
      if (stepOf(snapshot) === 'followUp.refunding' && c.reservedAmount === 0) problems.push(`${where}: refunding nothing`);
      for (const outcome of outcomes.filter((o) => o.accepted && o.event.type === 'REFUND_EXECUTED')) {
        const after = outcome.next!.context;
        if (after.refundedAmount - c.refundedAmount !== c.reservedAmount || after.reservedAmount !== 0)
          problems.push(`${where}: refund moved the wrong amount`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('should reach the outcomes each case type can end in', () => {
    const outcomesOf = (name: string) =>
      [...new Set([...explored.get(name)!.nodes.values()].map((node) => node.snapshot.context.outcome).filter((o) => o !== null))].sort();
    const all = ['auto_approved', 'closed_no_return', 'exchanged', 'partially_refunded', 'refunded', 'rejected', 'resolved', 'withdrawn'];
    // A refund or return case may end in an exchange the buyer accepted instead.
    expect(outcomesOf('refund')).toEqual(all);
    expect(outcomesOf('return')).toEqual(all);
    // An auto-approved exchange ends as exchanged: no money moves.
    expect(outcomesOf('exchange')).toEqual(all.filter((o) => o !== 'auto_approved'));
    expect(outcomesOf('complaint')).toEqual(['partially_refunded', 'refunded', 'rejected', 'resolved', 'withdrawn']);
    // Nothing to send back, nothing to exchange.
    expect(outcomesOf('refund of unshipped fresh food')).toEqual(['auto_approved', 'partially_refunded', 'refunded', 'rejected', 'resolved', 'withdrawn']);
  });
});

describe(describeCaseMachine.name, () => {
  it('should describe the machine version, every event and every deadline', () => {
    expect(description.version).toBe(1);
    expect(description.events.map((e) => e.type)).toEqual(CASE_EVENT_TYPES);
    expect([...new Set(caseMachine.events)].sort()).toEqual([...CASE_EVENT_TYPES].sort());
    expect(description.delays.find((d) => d.name === 'MERCHANT_RESPONSE')).toEqual({
      name: 'MERCHANT_RESPONSE',
      timerId: 'merchant-response',
      event: 'MERCHANT_RESPONSE_EXPIRED',
      policyKey: 'merchantResponseMs',
      caseTypes: ['refund', 'return', 'exchange'],
    });
  });

  it('should name the deadlines running in each state', () => {
    const timers = Object.fromEntries(description.states.filter((s) => s.timers.length > 0).map((s) => [s.path, s.timers]));
    expect(timers).toEqual({
      'open.contact': ['MERCHANT_RESPONSE'],
      'open.verify': ['MERCHANT_RESPONSE'],
      'open.apologise': ['MERCHANT_RESPONSE'],
      'open.propose': ['MERCHANT_RESPONSE'],
      'awaitingBuyer': ['BUYER_ESCALATION'],
      'negotiating.buyerDeclined': ['BUYER_ESCALATION'],
      'followUp.awaitingReturn': ['BUYER_RETURN'],
      'followUp.returnInTransit': ['MERCHANT_RECEIPT'],
      'dispute.evidence': ['DISPUTE_EVIDENCE'],
    });
    expect(description.states.find((s) => s.path === 'archived')).toEqual({ path: 'archived', final: true, events: [], timers: [] });
  });
});

describe(caseMachineMermaid.name, () => {
  it('should draw every state and every transition of the machine', () => {
    const mermaid = caseMachineMermaid();
    expect(mermaid.startsWith('stateDiagram-v2\n')).toBe(true);
    for (const state of description.states) {
      expect(mermaid).toContain(`as ${state.path.replace('.', '_')}`);
    }
    const missing = new Set<string>();
    for (const { nodes } of explored.values()) {
      for (const { snapshot, outcomes } of nodes.values()) {
        for (const o of outcomes.filter((o) => o.accepted && stepOf(o.next!) !== stepOf(snapshot))) {
          // Drawn from the state that owns the transition, which may be an ancestor of the current step,
          // to the target, which may be a compound state entered through its initial child.
          const from = stepOf(snapshot).split('.');
          const to = stepOf(o.next!).replace('.', '_');
          const owners = from.map((_, i) => from.slice(0, i + 1).join('_'));
          const drawn = new RegExp(`^\\s*(${owners.join('|')}) --> (${to}|${to.split('_')[0]}) : ${o.event.type}$`, 'm');
          if (!drawn.test(mermaid)) missing.add(`${stepOf(snapshot)} ${o.event.type} ${stepOf(o.next!)}`);
        }
      }
    }
    expect([...missing]).toEqual([]);
  });
});
