import { Injectable } from '@nestjs/common';
import { Clock } from '../platform/clock/clock.js';
import type { ShopPrincipal } from '../platform/auth/principal.js';
import { ValidationProblem } from '../platform/problem/validation.js';
import { Environment } from '../platform/config/environment.js';
import { Transactions, type Tx } from '../platform/database/transactions.js';
import { caseNotFound } from '../cases/case.problems.js';
import { CASE_OUTCOMES, CASE_TYPES } from '../cases/machine/case.types.js';
import { buildDays, countOf, countsUnder, percentiles, ratio, sum, totalOf, type DayFigures } from './day-figures.js';
import { isMoney, pointOf, rollingInterventions } from './timeseries-points.js';
import { addDays, dayRange, INTERVENTION_WINDOW_DAYS, isDay, resolvePeriod, type Day, type PeriodDays } from './metric-period.js';
import type { CaseRatingView, MetricsAgents, MetricsSummary, MetricsTimeseries, PaidOrdersReport, SavedPaidOrders } from './metrics.view.js';
import { MetricsRepository, type AgentLoad, type DayBounds, type Rating } from './metrics.repository.js';
import { SettledDaysCache } from './settled-days.cache.js';
import type { PaidOrdersDto, PeriodQueryDto, RatingDto, TimeseriesQueryDto } from './dto/metrics.dto.js';

/** A day's figures are kept once the day has been over this long: no fact can land in it any more. */
export const SETTLE_MARGIN_MS = 3_600_000;
/** 金牌客服 / gold service team thresholds the platforms publish. */
export const GOLD_TEAM = { minRatings: 100, minSatisfiedShare: 0.95 } as const;

const RATINGS: Rating[] = ['satisfied', 'neutral', 'dissatisfied'];

/** Amounts per currency, from the `<prefix><currency>` sums. */
const amounts = countsUnder;

interface Period extends PeriodDays {
  days: number;
  start: string;
  end: string;
}

interface Loaded<X> {
  timeZone: string;
  period: Period;
  figures: Map<Day, DayFigures>;
  bounds: DayBounds[];
  now: Date;
  /** What `also` read in the same transaction. */
  extra: X;
}

/** More to read in the transaction that loads the days, once the period is known. */
type Also<X> = (tx: Tx, period: PeriodDays, now: Date) => Promise<X>;

/** After-sales KPIs per shop, day and agent, from metric facts (see metric-facts.ts) and cached settled days. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly metrics: MetricsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
    private readonly settledDays: SettledDaysCache,
  ) {}

  async summary(caller: ShopPrincipal, query: PeriodQueryDto): Promise<MetricsSummary> {
    const paidOrders: Also<Map<Day, number>> = (tx, days) => this.metrics.paidOrders(tx, caller.shopId, days.from, days.to);
    const { timeZone, period, figures, extra: paid } = await this.load(caller.shopId, query, INTERVENTION_WINDOW_DAYS - 1, paidOrders);
    const total = totalOf(dayRange(period.from, period.to).map((day) => figures.get(day)!));
    const windowFrom = addDays(period.to, -(INTERVENTION_WINDOW_DAYS - 1));
    const window = totalOf(dayRange(windowFrom, period.to).map((day) => figures.get(day)!));
    const c = total.counts;

    const openedByType = Object.fromEntries(CASE_TYPES.map((type) => [type, c[`opened.${type}`] ?? 0]));
    const inTime = c['response.in_time'] ?? 0;
    const late = c['response.late'] ?? 0;
    const missed = c['response.missed'] ?? 0;
    const [frMedian, frP90] = percentiles(total.firstResponse, [0.5, 0.9]);
    const [resMedian, resP90] = percentiles(total.resolution, [0.5, 0.9]);
    const byOutcome = Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, c[`archived.${outcome}`] ?? 0]));
    const ratings = this.ratingsOf(c, 'ratings.');

    return {
      shopId: caller.shopId,
      timezone: timeZone,
      period,
      opened: { total: sum(openedByType), byType: openedByType },
      responseWindow: {
        settled: inTime + late + missed,
        answeredInTime: inTime,
        answeredLate: late,
        missed,
        inTimeShare: ratio(inTime, inTime + late + missed),
      },
      autoApproved: { count: missed, amount: amounts(c, 'autoApprovedAmount.') },
      firstResponse: { count: countOf(total.firstResponse), medianSeconds: frMedian, p90Seconds: frP90 },
      resolution: { count: countOf(total.resolution), medianSeconds: resMedian, p90Seconds: resP90 },
      outcomes: { total: sum(byOutcome), byOutcome },
      qualityRefundRate: this.qualityRefundRate(c, dayRange(period.from, period.to), paid),
      intervention: {
        window: { from: windowFrom, to: period.to, days: INTERVENTION_WINDOW_DAYS },
        volume: window.counts.interventions ?? 0,
        cases: sum(countsUnder(window.counts, 'opened.')),
        rate: ratio(window.counts.interventions ?? 0, sum(countsUnder(window.counts, 'opened.'))),
      },
      recodedQualityToNonQuality: (c['recodes.recoded'] ?? 0) - (c['recodes.restored'] ?? 0),
      satisfaction: {
        ...ratings,
        goldTeam: { ...GOLD_TEAM, met: ratings.ratings >= GOLD_TEAM.minRatings && ratings.satisfiedShare >= GOLD_TEAM.minSatisfiedShare },
      },
    };
  }

  async timeseries(caller: ShopPrincipal, query: TimeseriesQueryDto): Promise<MetricsTimeseries> {
    const metric = query.metric;
    const rolling = metric === 'interventionVolume30d' || metric === 'interventionRate30d';
    const paidOrders: Also<Map<Day, number>> = async (tx, days) =>
      metric === 'qualityRefundRate' ? this.metrics.paidOrders(tx, caller.shopId, days.from, days.to) : new Map();
    const loaded = await this.load(caller.shopId, query, rolling ? INTERVENTION_WINDOW_DAYS - 1 : 0, paidOrders);
    const { timeZone, period, figures, extra: paid } = loaded;
    const days = dayRange(period.from, period.to);
    const bounds = new Map(loaded.bounds.map((b) => [b.day, b]));
    const currency = query.currency ?? 'CNY';
    const windows = rolling ? rollingInterventions(figures, addDays(period.from, -(INTERVENTION_WINDOW_DAYS - 1)), period.to) : undefined;
    const points = days.map((day) => {
      const t = windows ? windows.get(day)! : totalOf([figures.get(day)!]);
      return { date: day, start: bounds.get(day)!.start.toISOString(), ...pointOf(metric, t, currency, paid.get(day)) };
    });
    return { metric, interval: 'day' as const, timezone: timeZone, from: period.from, to: period.to, ...(isMoney(metric) ? { currency } : {}), points };
  }

  async agents(caller: ShopPrincipal, query: PeriodQueryDto): Promise<MetricsAgents> {
    const dueSoonMs = this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000;
    const agentLoads: Also<AgentLoad[]> = (tx, _days, now) => this.metrics.agentLoads(tx, caller.shopId, now, dueSoonMs);
    const { timeZone, period, figures, now, extra: agents } = await this.load(caller.shopId, query, 0, agentLoads);
    const total = totalOf(
      dayRange(period.from, period.to).map((day) => figures.get(day)!),
      { agents: true },
    );
    const rows = agents.map((agent) => {
      const runs = total.firstResponseByAgent.get(agent.id) ?? [];
      const [median] = percentiles(runs, [0.5]);
      const ratings = this.ratingsOf(total.agentCounts, `agentRatings.${agent.id}.`);
      return {
        agentId: agent.id,
        displayName: agent.displayName,
        role: agent.role,
        active: agent.active,
        handled: total.agentCounts[`handled.${agent.id}`] ?? 0,
        openNow: agent.open,
        overdueNow: agent.overdue,
        dueSoonNow: agent.dueSoon,
        firstResponse: { count: countOf(runs), medianSeconds: median },
        satisfaction: { ratings: ratings.ratings, satisfied: ratings.satisfied, satisfiedShare: ratings.satisfiedShare },
      };
    });
    const shown = rows
      .filter((row) => row.active || row.handled + row.openNow + row.firstResponse.count + row.satisfaction.ratings > 0)
      .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.agentId < b.agentId ? -1 : 1));
    return { period, timezone: timeZone, asOf: now.toISOString(), agents: shown };
  }

  async paidOrders(caller: ShopPrincipal, query: PeriodQueryDto): Promise<PaidOrdersReport> {
    const { period, known } = await this.transactions.run(async (tx) => {
      const period = resolvePeriod(query, await this.metrics.timeZone(tx, caller.shopId), this.clock.now());
      return { period, known: await this.metrics.paidOrders(tx, caller.shopId, period.from, period.to) };
    });
    return { from: period.from, to: period.to, days: dayRange(period.from, period.to).map((date) => ({ date, paidOrders: known.get(date) ?? null })) };
  }

  async savePaidOrders(caller: ShopPrincipal, body: PaidOrdersDto): Promise<SavedPaidOrders> {
    const impossible = body.days.flatMap((d, i) => (isDay(d.date) ? [] : [{ field: `days.${i}.date`, message: `${d.date} is not a calendar date` }]));
    if (impossible.length > 0) throw new ValidationProblem(impossible);
    const dates = body.days.map((d) => d.date);
    const repeated = dates.find((date, i) => dates.indexOf(date) !== i);
    if (repeated) throw new ValidationProblem([{ field: 'days', message: `days lists ${repeated} more than once` }]);
    const days = [...body.days].sort((a, b) => (a.date < b.date ? -1 : 1)).map((d) => ({ date: d.date, paidOrders: d.paidOrders }));
    await this.transactions.run((tx) => this.metrics.savePaidOrders(tx, caller.shopId, days, this.clock.now()));
    return { days };
  }

  /**
   * Records the buyer's rating of a case, attributed to whoever works the case now. A different rating
   * replaces the earlier one, whose day loses it: that day's cached figures are dropped under the
   * shop's metrics lock, so no reader can cache the day with the old rating afterwards.
   */
  async rate(caller: ShopPrincipal, caseId: string, body: RatingDto): Promise<CaseRatingView> {
    const now = this.clock.now();
    const saved = await this.transactions.run(async (tx) => {
      const found = await this.metrics.lockCase(tx, caller.shopId, caseId);
      if (!found) throw caseNotFound(caseId);
      const previous = await this.metrics.rating(tx, caseId);
      const ratedAt = body.ratedAt ? new Date(body.ratedAt) : now;
      const comment = body.comment ?? null;
      if (previous && previous.rating === body.rating && previous.comment === comment && previous.ratedAt.getTime() === ratedAt.getTime()) {
        return previous;
      }
      if (previous && previous.rating !== body.rating) {
        await this.metrics.lockMetrics(tx, caller.shopId, 'exclusive');
        await this.metrics.forgetDaysContaining(tx, caller.shopId, previous.reportedAt);
      }
      // A changed comment or rating time alone does not move the rating to another day or agent.
      const kept = previous && previous.rating === body.rating ? previous : undefined;
      return this.metrics.saveRating(tx, caller.shopId, {
        caseId,
        agentId: kept ? kept.agentId : found.assigneeId,
        rating: body.rating,
        comment,
        ratedAt,
        reportedAt: kept ? kept.reportedAt : now,
      });
    });
    return {
      caseId: saved.caseId,
      rating: saved.rating,
      ratedAt: saved.ratedAt.toISOString(),
      reportedAt: saved.reportedAt.toISOString(),
      agentId: saved.agentId,
      comment: saved.comment,
    };
  }

  private ratingsOf(counts: Record<string, number>, prefix: string) {
    const by = Object.fromEntries(RATINGS.map((rating) => [rating, counts[`${prefix}${rating}`] ?? 0])) as Record<Rating, number>;
    const ratings = by.satisfied + by.neutral + by.dissatisfied;
    return { ratings, ...by, satisfiedShare: ratio(by.satisfied, ratings) };
  }

  private qualityRefundRate(c: Record<string, number>, days: Day[], paid: Map<Day, number>) {
    const qualityRefunds = c['refunds.quality'] ?? 0;
    const refunds = qualityRefunds + (c['refunds.non_quality'] ?? 0);
    const known = days.filter((day) => paid.has(day)).length;
    const complete = known === days.length;
    const paidOrders = complete ? days.reduce((total, day) => total + paid.get(day)!, 0) : null;
    return {
      basis: complete ? ('paid_orders' as const) : ('refunds' as const),
      rate: paidOrders !== null ? ratio(qualityRefunds, paidOrders) : ratio(qualityRefunds, refunds),
      label: complete ? 'quality refunds ÷ paid orders' : 'quality share of refunds (paid-order counts missing)',
      qualityRefunds,
      refunds,
      refundedAmount: mergeAmounts(amounts(c, 'refundedAmount.quality.'), amounts(c, 'refundedAmount.non_quality.')),
      qualityRefundedAmount: amounts(c, 'refundedAmount.quality.'),
      paidOrders,
      paidOrderDaysKnown: known,
      paidOrderDaysMissing: days.length - known,
    };
  }

  /**
   * In one transaction: the figures of every day of the period and of `lookBack` days before it, and
   * whatever `also` reads. A stored day comes from this process's copy when its generation still
   * matches, else from metric_rollups; any other day is built from the facts (each run of such days in
   * one query per table), and those now settled are stored for the next reader.
   */
  private async load<X>(shopId: string, query: PeriodQueryDto, lookBack: number, also: Also<X>): Promise<Loaded<X>> {
    const now = this.clock.now();
    return this.transactions.run(async (tx) => {
      const timeZone = await this.metrics.timeZone(tx, shopId);
      const days = resolvePeriod(query, timeZone, now);
      const from = addDays(days.from, -lookBack);
      await this.metrics.lockMetrics(tx, shopId, 'shared');
      const bounds = await this.metrics.dayBounds(tx, shopId, timeZone, from, days.to);
      const figures = new Map<Day, DayFigures>();
      const fetch: Day[] = [];
      for (const b of bounds) {
        if (b.generation === null) continue;
        const kept = this.settledDays.get(shopId, timeZone, b.day, b.generation);
        if (kept) figures.set(b.day, kept);
        else fetch.push(b.day);
      }
      for (const stored of await this.metrics.storedDays(tx, shopId, timeZone, fetch)) {
        figures.set(stored.figures.day, stored.figures);
        this.settledDays.set(shopId, timeZone, stored.generation, stored.figures);
      }
      const settled: DayFigures[] = [];
      for (const run of missingRuns(bounds, figures)) {
        const start = run[0].start;
        const end = run[run.length - 1].end;
        const facts = await this.metrics.factGroups(tx, shopId, timeZone, start, end);
        const ratings = await this.metrics.ratingGroups(tx, shopId, timeZone, start, end);
        const built = buildDays(
          run.map((b) => b.day),
          facts,
          ratings,
        );
        for (const b of run) {
          const day = built.get(b.day)!;
          figures.set(b.day, day);
          if (b.end.getTime() + SETTLE_MARGIN_MS <= now.getTime()) settled.push(day);
        }
      }
      const generations = await this.metrics.storeDays(tx, shopId, timeZone, settled, now);
      // Kept before the commit: if the transaction rolls back, no stored day ever has that generation.
      for (const day of settled) {
        const generation = generations.get(day.day);
        if (generation !== undefined) this.settledDays.set(shopId, timeZone, generation, day);
      }
      const extra = await also(tx, days, now);
      const first = bounds.find((b) => b.day === days.from)!;
      const last = bounds[bounds.length - 1];
      const period: Period = {
        from: days.from,
        to: days.to,
        days: dayRange(days.from, days.to).length,
        start: first.start.toISOString(),
        end: last.end.toISOString(),
      };
      return { timeZone, period, figures, bounds, now, extra };
    });
  }
}

function mergeAmounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const result = { ...a };
  for (const [currency, amount] of Object.entries(b)) result[currency] = (result[currency] ?? 0) + amount;
  return result;
}

/** Runs of consecutive days that are not cached. */
function missingRuns(bounds: DayBounds[], cached: Map<Day, DayFigures>): DayBounds[][] {
  const runs: DayBounds[][] = [];
  let current: DayBounds[] = [];
  for (const b of bounds) {
    if (cached.has(b.day)) {
      if (current.length) runs.push(current);
      current = [];
    } else current.push(b);
  }
  if (current.length) runs.push(current);
  return runs;
}
