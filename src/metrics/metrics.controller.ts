import { Body, Controller, Get, Headers, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow, ANY_AGENT, ShopCaller } from '../platform/auth/access.decorator.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { Idempotent } from '../platform/idempotency/idempotent.decorator.js';
import { ApiProblems } from '../platform/openapi/api-problems.js';
import { ApiJsonOrCsvResponse } from '../platform/openapi/api-responses.js';
import { ApiTag } from '../platform/openapi/api-tags.js';
import { CaseException } from '../cases/case.problems.js';
import { UuidParam } from '../platform/uuid-param.js';
import { UTF8_BOM } from '../platform/csv.js';
import { PaidOrdersDto, PeriodCsvQueryDto, PeriodQueryDto, RatingDto, TimeseriesQueryDto } from './dto/metrics.dto.js';
import { agentsCsv, summaryCsv, timeseriesCsv, wantsCsv } from './metrics.csv.js';
import { MetricsService } from './metrics.service.js';
import { CaseRatingView, MetricsAgents, MetricsSummary, MetricsTimeseries, PaidOrdersReport, SavedPaidOrders } from './metrics.view.js';

/** Answers CSV instead of JSON when the client asks for it (`Accept: text/csv`), after a UTF-8 BOM with `bom=true`. */
function negotiate<T extends object>(
  accept: string | undefined,
  query: PeriodCsvQueryDto,
  reply: FastifyReply,
  result: T,
  csv: (result: T) => string,
  name: string,
): T | string {
  reply.header('vary', 'Accept');
  if (!wantsCsv(accept)) return result;
  reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
  return query.bom ? UTF8_BOM + csv(result) : csv(result);
}

const CALLERS = ['integration', ...ANY_AGENT] as const;

@ApiTag('Metrics')
@Controller('v1/metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('summary')
  @Allow(...CALLERS)
  @ApiJsonOrCsvResponse(MetricsSummary)
  @ApiOperation({
    operationId: 'getMetricsSummary',
    summary: 'The shop’s after-sales figures for a period of shop days (README “Metrics” defines each)',
    description:
      'Cases opened by type, the 48 h response window, auto-approvals and their money, first-response and resolution times (median, p90), ' +
      'outcomes, the quality refund rate, the 30-day intervention rate and volume, recodes from quality to non-quality, satisfaction ' +
      'and the gold-team thresholds. `from`/`to` are days in the shop’s time zone, both inclusive (default: the last 30 days).',
  })
  async summary(
    @ShopCaller() caller: ShopPrincipal,
    @Query() query: PeriodCsvQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.metrics.summary(caller, query);
    return negotiate(accept, query, reply, result, summaryCsv, `metrics-summary-${result.period.from}-${result.period.to}`);
  }

  @Get('timeseries')
  @Allow(...CALLERS)
  @ApiJsonOrCsvResponse(MetricsTimeseries)
  @ApiOperation({
    operationId: 'getMetricsTimeseries',
    summary: 'One metric per shop day over a period (zeros on empty days); the 30-day intervention metrics roll over the 30 days ending on each day',
  })
  async timeseries(
    @ShopCaller() caller: ShopPrincipal,
    @Query() query: TimeseriesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.metrics.timeseries(caller, query);
    return negotiate(accept, query, reply, result, timeseriesCsv, `metrics-${result.metric}-${result.from}-${result.to}`);
  }

  @Get('agents')
  @Allow(...CALLERS)
  @ApiJsonOrCsvResponse(MetricsAgents)
  @ApiOperation({
    operationId: 'getAgentMetrics',
    summary: 'Per agent: cases handled in the period, open and overdue now, median first response, satisfaction',
  })
  async agents(
    @ShopCaller() caller: ShopPrincipal,
    @Query() query: PeriodCsvQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.metrics.agents(caller, query);
    return negotiate(accept, query, reply, result, agentsCsv, `metrics-agents-${result.period.from}-${result.period.to}`);
  }

  @Get('paid-orders')
  @Allow(...CALLERS)
  @ApiOperation({
    operationId: 'getPaidOrders',
    summary: 'The daily paid-order counts the order system reported, one entry per day of the period (null when unknown)',
  })
  @ApiOkResponse({ type: PaidOrdersReport })
  paidOrders(@ShopCaller() caller: ShopPrincipal, @Query() query: PeriodQueryDto): Promise<PaidOrdersReport> {
    return this.metrics.paidOrders(caller, query);
  }

  @Put('paid-orders')
  @Allow('integration')
  @Idempotent()
  @ApiOperation({
    operationId: 'reportPaidOrders',
    summary: 'Report paid orders per shop day (the denominator of the quality refund rate); each listed day’s count is replaced',
  })
  @ApiBody({
    type: PaidOrdersDto,
    examples: {
      twoDays: {
        value: {
          days: [
            { date: '2026-11-20', paidOrders: 1520 },
            { date: '2026-11-21', paidOrders: 1388 },
          ],
        },
      },
    },
  })
  @ApiOkResponse({ type: SavedPaidOrders })
  savePaidOrders(@ShopCaller() caller: ShopPrincipal, @Body() body: PaidOrdersDto): Promise<SavedPaidOrders> {
    return this.metrics.savePaidOrders(caller, body);
  }
}

@ApiTag('Metrics')
@Controller('v1/cases/:caseId/rating')
export class RatingController {
  constructor(private readonly metrics: MetricsService) {}

  @Put()
  @Allow('integration')
  @Idempotent()
  @ApiOperation({
    operationId: 'rateCase',
    summary: 'Report the buyer’s rating of a case (满意 / 一般 / 不满意); a different rating replaces the earlier one',
    description: 'Counted in satisfaction when reported, for the agent working the case at that moment.',
  })
  @ApiBody({
    type: RatingDto,
    examples: {
      satisfied: { value: { rating: 'satisfied', ratedAt: '2026-11-21T10:00:00Z' } },
      dissatisfied: { value: { rating: 'dissatisfied', ratedAt: '2026-11-21T10:00:00Z', comment: '退款太慢' } },
    },
  })
  @ApiOkResponse({ type: CaseRatingView })
  @ApiProblems(CaseException, 'CASE_NOT_FOUND')
  rate(@ShopCaller() caller: ShopPrincipal, @UuidParam('caseId') caseId: string, @Body() body: RatingDto): Promise<CaseRatingView> {
    return this.metrics.rate(caller, caseId, body);
  }
}
