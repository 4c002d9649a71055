import { pathToStateValue, type AnyStateNode } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { caseContextFromInput } from './case-context.js';
import { allowedEvents } from './case-machine.queries.js';
import { CASE_TIMERS, DEFAULT_CASE_POLICY, TIMER_NAMES, type TimerName } from './case-timers.js';
import { CASE_MACHINE_VERSION, caseMachine } from './case.machine.js';
import { CASE_EVENT_SOURCES, CASE_EVENT_TYPES, type CaseEventSource, type CaseEventType, type CasePolicy, type CaseType } from './case.types.js';

export interface CaseStateDescription {
  /** As stored in the `state` column, e.g. `open.verify`. */
  path: string;
  final: boolean;
  /** Events callers may send here (rules may still refuse them); timer events are under `timers`. */
  events: CaseEventType[];
  /** Deadlines running while the case is here. */
  timers: TimerName[];
}

export interface CaseMachineDescription {
  version: number;
  states: CaseStateDescription[];
  events: Array<{ type: CaseEventType; source: CaseEventSource }>;
  delays: Array<{ name: TimerName; timerId: string; event: string; policyKey: keyof CasePolicy; caseTypes: CaseType[] }>;
}

function leafStateNodes(node: AnyStateNode): AnyStateNode[] {
  const children = Object.values(node.states) as AnyStateNode[];
  return children.length === 0 ? [node] : children.flatMap(leafStateNodes);
}

function ancestry(node: AnyStateNode): AnyStateNode[] {
  const chain: AnyStateNode[] = [];
  for (let current: AnyStateNode | undefined = node; current; current = current.parent) chain.unshift(current);
  return chain;
}

// Read from the definition, so the description cannot drift from the machine: a state runs a timer
// when it or an ancestor starts it on entry.
function timersOf(node: AnyStateNode): TimerName[] {
  return ancestry(node).flatMap((stateNode) =>
    stateNode.definition.entry.flatMap((action) => {
      const { type, params } = action as { type?: unknown; params?: { timer?: unknown } };
      const timer = params?.timer as TimerName;
      return type === 'startTimer' && TIMER_NAMES.includes(timer) ? [timer] : [];
    }),
  );
}

// Which events a state accepts does not depend on the context (guards are not evaluated), so any valid
// context will do for resolving each state.
const SAMPLE_CONTEXT = caseContextFromInput({
  caseType: 'return',
  requestedAmount: 1,
  paidAmount: 1,
  orderShipped: true,
  specialGoods: false,
  claimedReasonCode: 'other',
  claimedReasonCategory: 'non_quality',
  policy: { ...DEFAULT_CASE_POLICY },
});

/** The machine as data, for `GET /v1/machine` and the console. */
export function describeCaseMachine(): CaseMachineDescription {
  const states = leafStateNodes(caseMachine.root).map((node): CaseStateDescription => {
    const final = node.type === 'final';
    const snapshot = caseMachine.resolveState({ value: pathToStateValue(node.path), context: SAMPLE_CONTEXT });
    return { path: node.path.join('.'), final, events: final ? [] : allowedEvents(snapshot), timers: timersOf(node) };
  });
  return {
    version: CASE_MACHINE_VERSION,
    states,
    events: CASE_EVENT_TYPES.map((type) => ({ type, source: CASE_EVENT_SOURCES[type] })),
    delays: TIMER_NAMES.map((name) => ({
      name,
      timerId: CASE_TIMERS[name].timerId,
      event: CASE_TIMERS[name].event,
      policyKey: CASE_TIMERS[name].policyKey,
      caseTypes: [...CASE_TIMERS[name].caseTypes],
    })),
  };
}

const mermaidId = (node: AnyStateNode): string => node.path.join('_');

interface MermaidEdge {
  source: AnyStateNode;
  target: AnyStateNode;
  event: string;
}

function collectEdges(graph: DirectedGraphNode): MermaidEdge[] {
  return [...graph.edges.map((edge) => ({ source: edge.source, target: edge.target, event: edge.label.text })), ...graph.children.flatMap(collectEdges)];
}

/** Path of the innermost compound state containing both ends; the edge is drawn there so Mermaid nests it right. */
function containerPath(edge: MermaidEdge): string {
  const a = edge.source.path;
  const b = edge.target.path;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common += 1;
  return a.slice(0, Math.min(common, a.length - 1, b.length - 1)).join('.');
}

/** A Mermaid `stateDiagram-v2` generated from the machine definition (guards are not shown). */
export function caseMachineMermaid(): string {
  const seen = new Set<string>();
  const edgesByContainer = new Map<string, string[]>();
  for (const edge of collectEdges(toDirectedGraph(caseMachine))) {
    const line = `${mermaidId(edge.source)} --> ${mermaidId(edge.target)} : ${edge.event}`;
    if (seen.has(line)) continue;
    seen.add(line);
    const container = containerPath(edge);
    edgesByContainer.set(container, [...(edgesByContainer.get(container) ?? []), line]);
  }

  const lines = ['stateDiagram-v2'];
  const render = (node: AnyStateNode, depth: number): void => {
    const indent = '  '.repeat(depth);
    const children = Object.values(node.states) as AnyStateNode[];
    if (node.initial?.target?.[0]) {
      lines.push(`${indent}[*] --> ${mermaidId(node.initial.target[0] as AnyStateNode)}`);
    }
    for (const child of children) {
      if (Object.keys(child.states).length > 0) {
        lines.push(`${indent}state ${mermaidId(child)} {`);
        render(child, depth + 1);
        lines.push(`${indent}}`);
      } else {
        lines.push(`${indent}state "${child.key}" as ${mermaidId(child)}`);
        if (child.type === 'final') lines.push(`${indent}${mermaidId(child)} --> [*]`);
      }
    }
    for (const line of edgesByContainer.get(node.path.join('.')) ?? []) lines.push(`${indent}${line}`);
  };
  render(caseMachine.root, 1);
  return `${lines.join('\n')}\n`;
}
