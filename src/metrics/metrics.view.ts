import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_OUTCOMES, CASE_TYPES } from '../cases/machine/case.types.js';
import { AGENT_ROLES } from '../agents/agent.record.js';
import { TIMESERIES_METRICS, type TimeseriesMetric } from './dto/metrics.dto.js';

const RATINGS = ['satisfied', 'neutral', 'dissatisfied'] as const;

/** Counts under fixed keys: every key is always there. */
function countsOf(keys: readonly string[], description: string) {
  return ApiProperty({
    type: 'object',
    description,
    properties: Object.fromEntries(keys.map((key) => [key, { type: 'integer' }])),
    required: [...keys],
  });
}

/** Money per currency: `{ "CNY": 29900 }`, minor units. */
function amountsByCurrency(description: string) {
  return ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: `${description}, in minor units per currency`,
    example: { CNY: 89700 },
  });
}

export class MetricPeriod {
  @ApiProperty({ description: 'First shop day, inclusive', example: '2026-11-01' })
  from!: string;

  @ApiProperty({ description: 'Last shop day, inclusive', example: '2026-11-30' })
  to!: string;

  @ApiProperty({ example: 30 })
  days!: number;

  @ApiProperty({ format: 'date-time', description: 'Start of the first day in the shop’s time zone', example: '2026-10-31T16:00:00.000Z' })
  start!: string;

  @ApiProperty({ format: 'date-time', description: 'End of the last day (exclusive)', example: '2026-11-30T16:00:00.000Z' })
  end!: string;
}

export class OpenedFigures {
  @ApiProperty({ example: 412 })
  total!: number;

  @countsOf(CASE_TYPES, 'Cases opened per case type')
  byType!: Record<string, number>;
}

export class ResponseWindowFigures {
  @ApiProperty({ description: 'Cases whose 48 h window ended in the period', example: 398 })
  settled!: number;

  @ApiProperty({ example: 380 })
  answeredInTime!: number;

  @ApiProperty({ example: 12 })
  answeredLate!: number;

  @ApiProperty({ description: 'No answer in time: auto-approved by the platform', example: 6 })
  missed!: number;

  @ApiProperty({ description: 'answeredInTime ÷ settled (0 when nothing settled)', example: 0.9548 })
  inTimeShare!: number;
}

export class AutoApprovedFigures {
  @ApiProperty({ example: 6 })
  count!: number;

  @amountsByCurrency('Money auto-approved')
  amount!: Record<string, number>;
}

export class DurationFigures {
  @ApiProperty({ description: 'Cases measured', example: 398 })
  count!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null when nothing was measured', example: 2710 })
  medianSeconds!: number | null;

  @ApiProperty({ type: 'integer', nullable: true, example: 15300 })
  p90Seconds!: number | null;
}

export class OutcomeFigures {
  @ApiProperty({ example: 371 })
  total!: number;

  @countsOf(CASE_OUTCOMES, 'Cases archived per outcome')
  byOutcome!: Record<string, number>;
}

export class QualityRefundRate {
  @ApiProperty({ enum: ['paid_orders', 'refunds'], description: 'paid_orders when the order system reported every day’s paid orders, else refunds' })
  basis!: 'paid_orders' | 'refunds';

  @ApiProperty({ example: 0.0041 })
  rate!: number;

  @ApiProperty({ example: 'quality refunds ÷ paid orders' })
  label!: string;

  @ApiProperty({ example: 186 })
  qualityRefunds!: number;

  @ApiProperty({ example: 301 })
  refunds!: number;

  @amountsByCurrency('Money refunded')
  refundedAmount!: Record<string, number>;

  @amountsByCurrency('Money refunded for quality reasons')
  qualityRefundedAmount!: Record<string, number>;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null unless every day is known', example: 45210 })
  paidOrders!: number | null;

  @ApiProperty({ example: 30 })
  paidOrderDaysKnown!: number;

  @ApiProperty({ example: 0 })
  paidOrderDaysMissing!: number;
}

export class InterventionWindow {
  @ApiProperty({ example: '2026-11-01' })
  from!: string;

  @ApiProperty({ example: '2026-11-30' })
  to!: string;

  @ApiProperty({ example: 30 })
  days!: number;
}

export class InterventionFigures {
  @ApiProperty({ type: InterventionWindow, description: 'The 30 days ending on the period’s last day' })
  window!: InterventionWindow;

  @ApiProperty({ description: 'Platform interventions (平台介入) in the window', example: 3 })
  volume!: number;

  @ApiProperty({ description: 'Cases opened in the window', example: 412 })
  cases!: number;

  @ApiProperty({ example: 0.0073 })
  rate!: number;
}

export class GoldTeam {
  @ApiProperty({ example: 100 })
  minRatings!: number;

  @ApiProperty({ example: 0.95 })
  minSatisfiedShare!: number;

  @ApiProperty({ description: 'The shop meets both thresholds (金牌客服)' })
  met!: boolean;
}

export class SatisfactionFigures {
  @ApiProperty({ example: 120 })
  ratings!: number;

  @ApiProperty({ example: 112 })
  satisfied!: number;

  @ApiProperty({ example: 5 })
  neutral!: number;

  @ApiProperty({ example: 3 })
  dissatisfied!: number;

  @ApiProperty({ example: 0.9333 })
  satisfiedShare!: number;

  @ApiProperty({ type: GoldTeam })
  goldTeam!: GoldTeam;
}

/** GET /v1/metrics/summary: the shop's after-sales figures for a period (the README defines each). */
export class MetricsSummary {
  @ApiProperty({ format: 'uuid' })
  shopId!: string;

  @ApiProperty({ example: 'Asia/Shanghai' })
  timezone!: string;

  @ApiProperty({ type: MetricPeriod })
  period!: MetricPeriod;

  @ApiProperty({ type: OpenedFigures })
  opened!: OpenedFigures;

  @ApiProperty({ type: ResponseWindowFigures })
  responseWindow!: ResponseWindowFigures;

  @ApiProperty({ type: AutoApprovedFigures })
  autoApproved!: AutoApprovedFigures;

  @ApiProperty({ type: DurationFigures, description: 'Opening to the first agent action' })
  firstResponse!: DurationFigures;

  @ApiProperty({ type: DurationFigures, description: 'Opening to archiving' })
  resolution!: DurationFigures;

  @ApiProperty({ type: OutcomeFigures })
  outcomes!: OutcomeFigures;

  @ApiProperty({ type: QualityRefundRate })
  qualityRefundRate!: QualityRefundRate;

  @ApiProperty({ type: InterventionFigures })
  intervention!: InterventionFigures;

  @ApiProperty({ description: 'Quality claims verified as non-quality, net of ones restored', example: 4 })
  recodedQualityToNonQuality!: number;

  @ApiProperty({ type: SatisfactionFigures })
  satisfaction!: SatisfactionFigures;
}

export class TimeseriesPoint {
  @ApiProperty({ description: 'The shop day', example: '2026-11-20' })
  date!: string;

  @ApiProperty({ format: 'date-time', description: 'Its start in the shop’s time zone', example: '2026-11-19T16:00:00.000Z' })
  start!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'null when there is nothing to take it over (a median of no cases)', example: 0.96 })
  value!: number | null;

  @ApiProperty({ description: 'What the value is taken over (cases, ratings, paid orders)', example: 25 })
  n!: number;

  @ApiPropertyOptional({ enum: ['paid_orders', 'refunds'], description: 'qualityRefundRate only' })
  basis?: string;
}

export class MetricsTimeseries {
  @ApiProperty({ enum: TIMESERIES_METRICS, example: 'answeredInTimeShare' })
  metric!: TimeseriesMetric;

  @ApiProperty({ enum: ['day'] })
  interval!: 'day';

  @ApiProperty({ example: 'Asia/Shanghai' })
  timezone!: string;

  @ApiProperty({ example: '2026-11-01' })
  from!: string;

  @ApiProperty({ example: '2026-11-30' })
  to!: string;

  @ApiPropertyOptional({ description: 'Money metrics only', example: 'CNY' })
  currency?: string;

  @ApiProperty({ type: [TimeseriesPoint], description: 'One per shop day, zeros on empty days' })
  points!: TimeseriesPoint[];
}

export class AgentFirstResponse {
  @ApiProperty({ example: 41 })
  count!: number;

  @ApiProperty({ type: 'integer', nullable: true, example: 1860 })
  medianSeconds!: number | null;
}

export class AgentSatisfaction {
  @ApiProperty({ example: 22 })
  ratings!: number;

  @ApiProperty({ example: 21 })
  satisfied!: number;

  @ApiProperty({ example: 0.9545 })
  satisfiedShare!: number;
}

export class AgentFigures {
  @ApiProperty({ format: 'uuid' })
  agentId!: string;

  @ApiProperty({ example: '小李' })
  displayName!: string;

  @ApiProperty({ enum: AGENT_ROLES, example: 'agent' })
  role!: string;

  @ApiProperty()
  active!: boolean;

  @ApiProperty({ description: 'Cases they worked in the period', example: 41 })
  handled!: number;

  @ApiProperty({ description: 'Open cases they hold now', example: 7 })
  openNow!: number;

  @ApiProperty({ example: 0 })
  overdueNow!: number;

  @ApiProperty({ example: 1 })
  dueSoonNow!: number;

  @ApiProperty({ type: AgentFirstResponse })
  firstResponse!: AgentFirstResponse;

  @ApiProperty({ type: AgentSatisfaction })
  satisfaction!: AgentSatisfaction;
}

export class MetricsAgents {
  @ApiProperty({ type: MetricPeriod })
  period!: MetricPeriod;

  @ApiProperty({ example: 'Asia/Shanghai' })
  timezone!: string;

  @ApiProperty({ format: 'date-time', description: 'When the “now” figures were taken' })
  asOf!: string;

  @ApiProperty({ type: [AgentFigures], description: 'Active agents and any who did something in the period, by name' })
  agents!: AgentFigures[];
}

export class PaidOrderDayView {
  @ApiProperty({ example: '2026-11-20' })
  date!: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null when the order system has not reported the day', example: 1520 })
  paidOrders!: number | null;
}

export class PaidOrdersReport {
  @ApiProperty({ example: '2026-11-20' })
  from!: string;

  @ApiProperty({ example: '2026-11-21' })
  to!: string;

  @ApiProperty({ type: [PaidOrderDayView], description: 'One entry per day of the period' })
  days!: PaidOrderDayView[];
}

export class SavedPaidOrderDay {
  @ApiProperty({ example: '2026-11-20' })
  date!: string;

  @ApiProperty({ example: 1520 })
  paidOrders!: number;
}

export class SavedPaidOrders {
  @ApiProperty({ type: [SavedPaidOrderDay], description: 'The days saved, in date order' })
  days!: SavedPaidOrderDay[];
}

export class CaseRatingView {
  @ApiProperty({ format: 'uuid' })
  caseId!: string;

  @ApiProperty({ enum: RATINGS, example: 'satisfied' })
  rating!: (typeof RATINGS)[number];

  @ApiProperty({ format: 'date-time' })
  ratedAt!: string;

  @ApiProperty({ format: 'date-time', description: 'When it was reported: the day it counts on' })
  reportedAt!: string;

  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The agent working the case when the rating was first reported' })
  agentId!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '退款很快，客服态度好' })
  comment!: string | null;
}
