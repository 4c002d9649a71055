import { ApiProperty } from '@nestjs/swagger';
import { CASE_TIMERS, TIMER_NAMES, type TimerName } from './machine/case-timers.js';
import type { CaseMachineDescription } from './machine/case-machine.describe.js';
import {
  CASE_EVENT_SOURCES,
  CASE_EVENT_TYPES,
  CASE_TYPES,
  type CaseEventSource,
  type CaseEventType,
  type CasePolicy,
  type CaseType,
} from './machine/case.types.js';

const EVENT_SOURCES = [...new Set(Object.values(CASE_EVENT_SOURCES))];
const POLICY_KEYS = [...new Set(Object.values(CASE_TIMERS).map((timer) => timer.policyKey))];

export class CaseStateView {
  @ApiProperty({ description: 'As stored in a case’s `state`', example: 'open.verify' })
  path!: string;

  @ApiProperty({ description: 'archived is the only final state' })
  final!: boolean;

  @ApiProperty({
    enum: CASE_EVENT_TYPES,
    isArray: true,
    description: 'Events callers may send here (rules may still refuse them)',
    example: ['VERIFY', 'PROPOSE'],
  })
  events!: CaseEventType[];

  @ApiProperty({ enum: TIMER_NAMES, isArray: true, description: 'Deadlines running while the case is here', example: ['MERCHANT_RESPONSE'] })
  timers!: TimerName[];
}

export class CaseEventSourceView {
  @ApiProperty({ enum: CASE_EVENT_TYPES, example: 'REFUND_EXECUTED' })
  type!: CaseEventType;

  @ApiProperty({
    enum: EVENT_SOURCES,
    description: 'agent: an agent session; buyer, money, platform: the order system’s API key; timer: the service itself',
    example: 'money',
  })
  source!: CaseEventSource;
}

export class CaseDelayView {
  @ApiProperty({ enum: TIMER_NAMES, example: 'MERCHANT_RESPONSE' })
  name!: TimerName;

  @ApiProperty({ example: 'merchant-response' })
  timerId!: string;

  @ApiProperty({ description: 'What the service sends the case when it fires', example: 'MERCHANT_RESPONSE_EXPIRED' })
  event!: string;

  @ApiProperty({ enum: POLICY_KEYS, description: 'The shop policy window it runs for', example: 'merchantResponseMs' })
  policyKey!: keyof CasePolicy;

  @ApiProperty({ enum: CASE_TYPES, isArray: true, example: ['refund', 'return', 'exchange'] })
  caseTypes!: CaseType[];
}

/** GET /v1/machine: the case machine as data. */
export class CaseMachineView implements CaseMachineDescription {
  @ApiProperty({ example: 1 })
  version!: number;

  @ApiProperty({ type: [CaseStateView] })
  states!: CaseStateView[];

  @ApiProperty({ type: [CaseEventSourceView], description: 'Every event and who sends it, in the order the API lists them' })
  events!: CaseEventSourceView[];

  @ApiProperty({ type: [CaseDelayView] })
  delays!: CaseDelayView[];
}
