import { getNextTransitions, initialTransition, transition, type ExecutableActionsFrom, type SnapshotFrom, type StateValue } from 'xstate';
import { evidenceRefusal, refusalOf, type CaseRuleKey } from './case-rules.js';
import { CASE_TIMERS, timerDelayMs, timerNameById, type TimerName } from './case-timers.js';
import { caseMachine } from './case.machine.js';
import { CASE_EVENT_TYPES, isTimerEventType, type CaseContext, type CaseEvent, type CaseEventType, type CaseInput } from './case.types.js';

export type CaseSnapshot = SnapshotFrom<typeof caseMachine>;
export type CaseAction = ExecutableActionsFrom<typeof caseMachine>;

/** The JSON stored in `cases.snapshot`. */
export interface PersistedCaseSnapshot {
  status: string;
  value: StateValue;
  context: CaseContext;
  [key: string]: unknown;
}

export type CaseEventResult =
  | { accepted: true; snapshot: CaseSnapshot; actions: CaseAction[] }
  | {
      accepted: false;
      /** `not_allowed_in_state` → 409 listing `allowedEvents`; a rule key → 422 with that code. */
      reason: 'not_allowed_in_state' | CaseRuleKey | 'EVENT_REFUSED';
      allowedEvents: CaseEventType[];
    };

export interface ScheduledTimer {
  timerId: string;
  event: (typeof CASE_TIMERS)[TimerName]['event'];
  delayName: TimerName;
  delayMs: number;
}

/** Apply `cancel` first, then `schedule`: a timer restarted by one transition appears in both. */
export interface TimerPlan {
  schedule: ScheduledTimer[];
  cancel: string[];
}

// XState turns an exception inside the machine into an `error` snapshot; persisting that would brick the
// case, so it surfaces as a thrown error and the engine's transaction rolls back.
function throwIfErrored(snapshot: CaseSnapshot): void {
  if (snapshot.status === 'error') {
    throw snapshot.error instanceof Error ? snapshot.error : new Error(String(snapshot.error));
  }
}

/** Throws a RangeError naming every problem when the input is invalid. */
export function startCase(input: CaseInput): { snapshot: CaseSnapshot; actions: CaseAction[] } {
  const [snapshot, actions] = initialTransition(caseMachine, input);
  throwIfErrored(snapshot);
  return { snapshot, actions };
}

const EVENT_ORDER = new Map<string, number>(CASE_EVENT_TYPES.map((type, index) => [type, index]));

/** Every event the current state has a transition for, guards not evaluated, timer events included. */
function handledEventTypes(snapshot: CaseSnapshot): CaseEventType[] {
  if (snapshot.status !== 'active') {
    return [];
  }
  const types = new Set<CaseEventType>();
  for (const candidate of getNextTransitions(snapshot)) {
    if (EVENT_ORDER.has(candidate.eventType)) {
      types.add(candidate.eventType as CaseEventType);
    }
  }
  return [...types].sort((a, b) => EVENT_ORDER.get(a)! - EVENT_ORDER.get(b)!);
}

/** Events a caller may send in this state (before rules are checked). Timer events are the sweeper's business. */
export function allowedEvents(snapshot: CaseSnapshot): CaseEventType[] {
  return handledEventTypes(snapshot).filter((type) => !isTimerEventType(type));
}

/**
 * Computes the transition for one event without executing anything. A refused event leaves the case
 * untouched; a timer event the state no longer handles (a stale timer) comes back as not_allowed_in_state.
 */
export function applyCaseEvent(snapshot: CaseSnapshot, event: CaseEvent): CaseEventResult {
  // The sorted list is only built for a refusal; acceptance needs just one match (hot path).
  if (snapshot.status !== 'active' || !getNextTransitions(snapshot).some((candidate) => candidate.eventType === event.type)) {
    return { accepted: false, reason: 'not_allowed_in_state', allowedEvents: allowedEvents(snapshot) };
  }
  if (!snapshot.can(event)) {
    // Guards are built on the same rule functions, so a refusal always has a key; the fallback keeps a
    // missing one visible instead of pretending the event was not allowed.
    return { accepted: false, reason: refusalOf(snapshot.context, event) ?? 'EVENT_REFUSED', allowedEvents: allowedEvents(snapshot) };
  }
  const [next, actions] = transition(caseMachine, snapshot, event);
  throwIfErrored(next);
  return { accepted: true, snapshot: next, actions };
}

/**
 * The snapshot as stored. It is plain data (no spawned actors, no functions in context): a spec checks
 * that it survives a JSON round trip unchanged, so no defensive copy is made on this hot path.
 */
export function persistSnapshot(snapshot: CaseSnapshot): PersistedCaseSnapshot {
  return caseMachine.getPersistedSnapshot(snapshot) as unknown as PersistedCaseSnapshot;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function restoreSnapshot(persisted: unknown): CaseSnapshot {
  if (!isRecord(persisted) || !(typeof persisted.value === 'string' || isRecord(persisted.value)) || !isRecord(persisted.context)) {
    throw new TypeError('Not a persisted case snapshot: expected { value, context }');
  }
  // resolveState rebuilds the active state nodes from the value (and throws on an unknown state), and
  // marks a snapshot in `archived` as done.
  return caseMachine.resolveState({ value: persisted.value as StateValue, context: persisted.context as unknown as CaseContext });
}

/** The flat step for the `state` column and the queue, e.g. `open.verify`, `followUp.refunding`, `archived`. */
export function stepOf(snapshot: CaseSnapshot | { value: StateValue }): string {
  const path: string[] = [];
  let value: StateValue = snapshot.value;
  while (typeof value !== 'string') {
    const [key, child] = Object.entries(value)[0] ?? [];
    if (key === undefined) break;
    path.push(key);
    value = child as StateValue;
  }
  if (typeof value === 'string') path.push(value);
  return path.join('.');
}

interface ActionLike {
  type: string;
  params?: unknown;
}

/** Turns the raise/cancel actions of a transition into timer rows to insert and delete. */
export function timerPlan(actions: readonly ActionLike[]): TimerPlan {
  const schedule = new Map<string, ScheduledTimer>();
  const cancel = new Set<string>();
  for (const action of actions) {
    const params = (action.params ?? {}) as Record<string, unknown>;
    if (action.type === 'xstate.raise' && typeof params.delay === 'number' && typeof params.id === 'string') {
      const delayName = timerNameById(params.id);
      if (!delayName) {
        throw new Error(`Unknown timer id ${params.id}`);
      }
      schedule.set(params.id, { timerId: params.id, event: CASE_TIMERS[delayName].event, delayName, delayMs: params.delay });
    } else if (action.type === 'xstate.cancel' && typeof params.sendId === 'string') {
      // Scheduled and cancelled within one transition: nothing to keep; an older row may still need deleting.
      schedule.delete(params.sendId);
      cancel.add(params.sendId);
    }
  }
  return { schedule: [...schedule.values()], cancel: [...cancel] };
}

/** The order facts the rules read (amount caps, return eligibility), as the order system last reported them. */
export interface OrderFacts {
  paidAmount: number;
  orderShipped: boolean;
  specialGoods: boolean;
}

/**
 * The same state with the order's current facts in its context: no transition, no timer, nothing raised.
 * Events after it are judged against the order as it now stands.
 */
export function withOrderFacts(snapshot: CaseSnapshot, facts: OrderFacts): CaseSnapshot {
  return caseMachine.resolveState({ value: snapshot.value, context: { ...snapshot.context, ...facts } });
}

/**
 * The platform's evidence window of a dispute: `open`, or closed with its deadline. `dueAt` is null when
 * the timer has fired already (the window's start is no longer in the snapshot: see `evidenceWindowMs`).
 */
export type EvidenceWindow = { closed: false } | { closed: true; dueAt: Date | null };

const EVIDENCE_TIMER_ID = CASE_TIMERS.DISPUTE_EVIDENCE.timerId;

/**
 * Whether the evidence window has closed at `now`: the one decision behind SUBMIT_EVIDENCE's
 * EVIDENCE_WINDOW_CLOSED and the refusal of late merchant evidence. It counts as closed at its due time
 * even before the deadline sweeper has fired it (a platform does not wait for our sweeper); once fired,
 * the machine's rule (`evidenceRefusal`) says so. `timers`: the case's pending timers.
 */
export function evidenceWindow(snapshot: CaseSnapshot, timers: readonly { timerId: string; dueAt: Date }[], now: Date): EvidenceWindow {
  const timer = timers.find((t) => t.timerId === EVIDENCE_TIMER_ID);
  if (timer) return timer.dueAt.getTime() <= now.getTime() ? { closed: true, dueAt: timer.dueAt } : { closed: false };
  return evidenceRefusal(snapshot.context) === 'EVIDENCE_WINDOW_CLOSED' ? { closed: true, dueAt: null } : { closed: false };
}

/** The evidence window's length for this case, fixed from the shop's policy when the case opened. */
export function evidenceWindowMs(snapshot: CaseSnapshot): number {
  return timerDelayMs('DISPUTE_EVIDENCE', snapshot.context);
}
