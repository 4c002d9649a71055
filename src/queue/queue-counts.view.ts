import { ApiProperty } from '@nestjs/swagger';

export class SlaCountsView {
  @ApiProperty({ type: 'integer', description: 'Past their merchant deadline, not yet fired by the service', example: 1 })
  overdue!: number;

  @ApiProperty({ type: 'integer', description: 'Due within the warning lead (deadlineWarningLeadMinutes)', example: 3 })
  dueSoon!: number;

  @ApiProperty({ type: 'integer', description: 'Further off, or with no running merchant deadline', example: 5 })
  ok!: number;

  @ApiProperty({ type: 'integer', example: 9 })
  total!: number;
}

export class AtStakeView {
  @ApiProperty({ example: 'CNY' })
  currency!: string;

  @ApiProperty({ type: 'integer', example: 2 })
  count!: number;

  @ApiProperty({ type: 'integer', description: 'Minor units (fen)', example: 59800 })
  amount!: number;
}

export class AutoApproveView {
  @ApiProperty({ enum: ['mine', 'shop'], description: '`mine` for an agent (cases assigned to them), `shop` for a supervisor (every case)', example: 'mine' })
  scope!: 'mine' | 'shop';

  @ApiProperty({ type: 'integer', description: 'The window: deadlines due within this many minutes from now (and past ones not yet fired)', example: 360 })
  withinMinutes!: number;

  @ApiProperty({ type: 'integer', description: 'Open refund and return cases the platform will auto-approve within the window', example: 2 })
  count!: number;

  @ApiProperty({ type: 'integer', description: 'The money they ask for, in minor units of `currency` (the currency with the most at stake)', example: 59800 })
  amount!: number;

  @ApiProperty({ description: 'Currency of `amount`; CNY when nothing is at stake', example: 'CNY' })
  currency!: string;

  @ApiProperty({
    type: [AtStakeView],
    description: 'Per currency, most at stake first (one entry for a shop that sells in one currency; none when nothing is at stake)',
  })
  byCurrency!: AtStakeView[];
}

export class QueueCountsView {
  @ApiProperty({ type: SlaCountsView, description: 'Open cases assigned to me, by SLA state (the queue’s `sla`)' })
  mine!: SlaCountsView;

  @ApiProperty({ type: SlaCountsView, description: 'Open unassigned cases, by SLA state' })
  unassigned!: SlaCountsView;

  @ApiProperty({ type: AutoApproveView })
  autoApprove!: AutoApproveView;

  @ApiProperty({ format: 'date-time', description: 'The instant the states were computed for', example: '2026-11-20T09:30:00.000Z' })
  at!: string;
}
