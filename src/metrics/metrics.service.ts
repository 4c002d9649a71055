import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock/clock.js';
import type { ShopPrincipal } from '../common/auth/principal.js';
import { ValidationProblem } from '../common/problem/validation.js';
import { Environment } from '../config/environment.js';
import { Transactions, type Tx } from '../database/transactions.js';
import { CaseException } from '../cases/case.problems.js';
import { CASE_OUTCOMES, CASE_TYPES } from '../cases/machine/case.types.js';
import { buildDays, concatSeconds, countsUnder, percentiles, totalOf, type DayFigures, type Totals } from './day-figures.js';
import { addDays, dayRange, INTERVENTION_WINDOW_DAYS, isDay, resolvePeriod, type Day, type PeriodDays } from './metric-period.js';
import { MetricsRepository, type DayBounds, type Rating } from './metrics.repository.js';
import type { PaidOrdersDto, PeriodQueryDto, RatingDto, TimeseriesQueryDto } from './dto/metrics.dto.js';
import { TIMESERIES_METRICS, type TimeseriesMetric } from './dto/metrics.dto.js';

/** A day's figures are kept once the day has been over this long: no fact can land in it any more. */
export const SETTLE_MARGIN_MS = 3_600_000;
/** 金牌客服 / gold service team thresholds the platforms publish. */
export const GOLD_TEAM = { minRatings: 100, minSatisfiedShare: 0.95 } as const;

const RATINGS: Rating[] = ['satisfied', 'neutral', 'dissatisfied'];

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}

/** Amounts per currency, from the `<prefix><currency>` sums. */
const amounts = countsUnder;

interface Period extends PeriodDays {
  days: number;
  start: string;
  end: string;
}

interface Loaded {
  timeZone: string;
  period: Period;
  figures: Map<Day, DayFigures>;
  bounds: DayBounds[];
  now: Date;
}

/** After-sales KPIs per shop, day and agent, from metric facts (see metric-facts.ts) and cached settled days. */
@Injectable()
export class MetricsService {
  constructor(
    private readonly transactions: Transactions,
    private readonly metrics: MetricsRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  async summary(caller: ShopPrincipal, query: PeriodQueryDto) {
    const { timeZone, period, figures } = await this.load(caller.shopId, query, INTERVENTION_WINDOW_DAYS - 1);
    const total = totalOf(dayRange(period.from, period.to).map((day) => figures.get(day)!));
    const windowFrom = addDays(period.to, -(INTERVENTION_WINDOW_DAYS - 1));
    const window = totalOf(dayRange(windowFrom, period.to).map((day) => figures.get(day)!));
    const paid = await this.transactions.run((tx) => this.metrics.paidOrders(tx, caller.shopId, period.from, period.to));
    const c = total.counts;

    const openedByType = Object.fromEntries(CASE_TYPES.map((type) => [type, c[`opened.${type}`] ?? 0]));
    const inTime = c['response.in_time'] ?? 0;
    const late = c['response.late'] ?? 0;
    const missed = c['response.missed'] ?? 0;
    const firstResponse = concatSeconds([...total.firstResponse.values()].flat());
    const [frMedian, frP90] = percentiles(firstResponse, [0.5, 0.9]);
    const resolution = concatSeconds(total.resolution);
    const [resMedian, resP90] = percentiles(resolution, [0.5, 0.9]);
    const byOutcome = Object.fromEntries(CASE_OUTCOMES.map((outcome) => [outcome, c[`archived.${outcome}`] ?? 0]));
    const ratings = this.ratingsOf(c, 'ratings.');

    return {
      shopId: caller.shopId,
      timezone: timeZone,
      period,
      opened: { total: sum(openedByType), byType: openedByType },
      responseWindow: { settled: inTime + late + missed, answeredInTime: inTime, answeredLate: late, missed, inTimeShare: ratio(inTime, inTime + late + missed) },
      autoApproved: { count: missed, amount: amounts(c, 'autoApprovedAmount.') },
      firstResponse: { count: firstResponse.length, medianSeconds: frMedian, p90Seconds: frP90 },
      resolution: { count: resolution.length, medianSeconds: resMedian, p90Seconds: resP90 },
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

  async timeseries(caller: ShopPrincipal, query: TimeseriesQueryDto) {
    const metric = query.metric;
    const rolling = metric === 'interventionVolume30d' || metric === 'interventionRate30d';
    const loaded = await this.load(caller.shopId, query, rolling ? INTERVENTION_WINDOW_DAYS - 1 : 0);
    const { timeZone, period, figures } = loaded;
    const days = dayRange(period.from, period.to);
    const paid = metric === 'qualityRefundRate' ? await this.transactions.run((tx) => this.metrics.paidOrders(tx, caller.shopId, period.from, period.to)) : new Map<Day, number>();
    const bounds = new Map(loaded.bounds.map((b) => [b.day, b]));
    const currency = query.currency ?? 'CNY';
    const points = days.map((day) => {
      const t = rolling
        ? totalOf(dayRange(addDays(day, -(INTERVENTION_WINDOW_DAYS - 1)), day).map((d) => figures.get(d)!))
        : totalOf([figures.get(day)!]);
      return { date: day, start: bounds.get(day)!.start.toISOString(), ...pointOf(metric, t, currency, paid.get(day)) };
    });
    return { metric, interval: 'day' as const, timezone: timeZone, from: period.from, to: period.to, ...(isMoney(metric) ? { currency } : {}), points };
  }

  async agents(caller: ShopPrincipal, query: PeriodQueryDto) {
    const { timeZone, period, figures, now } = await this.load(caller.shopId, query, 0);
    const total = totalOf(dayRange(period.from, period.to).map((day) => figures.get(day)!));
    const dueSoonMs = this.env.DEADLINE_WARNING_LEAD_MINUTES * 60_000;
    const [agents, loads] = await this.transactions.run((tx) =>
      Promise.all([this.metrics.agents(tx, caller.shopId), this.metrics.loads(tx, caller.shopId, now, dueSoonMs)]),
    );
    const loadOf = new Map(loads.map((load) => [load.agentId, load]));
    const rows = agents.map((agent) => {
      const load = loadOf.get(agent.id);
      const seconds = concatSeconds(total.firstResponse.get(agent.id) ?? []);
      const [median] = percentiles(seconds, [0.5]);
      const ratings = this.ratingsOf(total.counts, `agentRatings.${agent.id}.`);
      return {
        agentId: agent.id,
        displayName: agent.displayName,
        role: agent.role,
        active: agent.active,
        handled: total.counts[`handled.${agent.id}`] ?? 0,
        openNow: load?.open ?? 0,
        overdueNow: load?.overdue ?? 0,
        dueSoonNow: load?.dueSoon ?? 0,
        firstResponse: { count: seconds.length, medianSeconds: median },
        satisfaction: { ratings: ratings.ratings, satisfied: ratings.satisfied, satisfiedShare: ratings.satisfiedShare },
      };
    });
    const shown = rows
      .filter((row) => row.active || row.handled + row.openNow + row.firstResponse.count + row.satisfaction.ratings > 0)
      .sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.agentId < b.agentId ? -1 : 1));
    return { period, timezone: timeZone, asOf: now.toISOString(), agents: shown };
  }

  async paidOrders(caller: ShopPrincipal, query: PeriodQueryDto) {
    const timeZone = await this.timeZone(caller.shopId);
    const period = resolvePeriod(query, timeZone, this.clock.now());
    const known = await this.transactions.run((tx) => this.metrics.paidOrders(tx, caller.shopId, period.from, period.to));
    return { from: period.from, to: period.to, days: dayRange(period.from, period.to).map((date) => ({ date, paidOrders: known.get(date) ?? null })) };
  }

  async savePaidOrders(caller: ShopPrincipal, body: PaidOrdersDto) {
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
  async rate(caller: ShopPrincipal, caseId: string, body: RatingDto) {
    const now = this.clock.now();
    const saved = await this.transactions.run(async (tx) => {
      const found = await this.metrics.lockCase(tx, caller.shopId, caseId);
      if (!found) throw new CaseException('CASE_NOT_FOUND', `No case ${caseId} in this shop.`);
      const previous = await this.metrics.rating(tx, caseId);
      const ratedAt = body.ratedAt ? new Date(body.ratedAt) : now;
      const comment = body.comment ?? null;
      if (previous && previous.rating === body.rating && previous.comment === comment && previous.ratedAt.getTime() === ratedAt.getTime()) {
        return previous;
      }
      if (previous && previous.rating !== body.rating) {
        await this.lockMetrics(tx, caller.shopId, 'exclusive');
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

  private async timeZone(shopId: string): Promise<string> {
    const [shop]: Array<{ timezone: string }> = await this.transactions.run((tx) => tx.query(`SELECT timezone FROM shops WHERE id = $1`, [shopId]));
    return shop.timezone;
  }

  /**
   * The figures of every day of the period and of `lookBack` days before it: cached days as stored, the
   * rest from the facts (each run of missing days in one query per table), caching those now settled.
   */
  private async load(shopId: string, query: PeriodQueryDto, lookBack: number): Promise<Loaded> {
    const now = this.clock.now();
    const timeZone = await this.timeZone(shopId);
    const days = resolvePeriod(query, timeZone, now);
    const from = addDays(days.from, -lookBack);
    return this.transactions.run(async (tx) => {
      await this.lockMetrics(tx, shopId, 'shared');
      const bounds = await this.metrics.dayBounds(tx, timeZone, from, days.to);
      const figures = new Map((await this.metrics.cachedDays(tx, shopId, timeZone, from, days.to)).map((d) => [d.day, d]));
      const settled: DayFigures[] = [];
      for (const run of missingRuns(bounds, figures)) {
        const start = run[0].start;
        const end = run[run.length - 1].end;
        const [facts, ratings] = [await this.metrics.factGroups(tx, shopId, timeZone, start, end), await this.metrics.ratingGroups(tx, shopId, timeZone, start, end)];
        const built = buildDays(run.map((b) => b.day), facts, ratings);
        for (const b of run) {
          const day = built.get(b.day)!;
          figures.set(b.day, day);
          if (b.end.getTime() + SETTLE_MARGIN_MS <= now.getTime()) settled.push(day);
        }
      }
      await this.metrics.cacheDays(tx, shopId, timeZone, settled, now);
      const first = bounds.find((b) => b.day === days.from)!;
      const last = bounds[bounds.length - 1];
      const period: Period = {
        from: days.from,
        to: days.to,
        days: dayRange(days.from, days.to).length,
        start: first.start.toISOString(),
        end: last.end.toISOString(),
      };
      return { timeZone, period, figures, bounds, now };
    });
  }

  /** Readers share it; replacing a rating (which changes a past day) takes it alone. */
  private async lockMetrics(tx: Tx, shopId: string, mode: 'shared' | 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
    await tx.query(`SELECT ${fn}(hashtextextended('metrics:' || $1, 0))`, [shopId]);
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

const MONEY_METRICS: ReadonlySet<TimeseriesMetric> = new Set(['autoApprovedAmount']);

function isMoney(metric: TimeseriesMetric): boolean {
  return MONEY_METRICS.has(metric);
}

/** One day's (or one rolling window's) value of a timeseries metric and the number it is taken over. */
function pointOf(metric: TimeseriesMetric, t: Totals, currency: string, paidOrders: number | undefined): { value: number | null; n: number; basis?: string } {
  const c = t.counts;
  const opened = sum(countsUnder(c, 'opened.'));
  const settled = (c['response.in_time'] ?? 0) + (c['response.late'] ?? 0) + (c['response.missed'] ?? 0);
  const ratings = (c['ratings.satisfied'] ?? 0) + (c['ratings.neutral'] ?? 0) + (c['ratings.dissatisfied'] ?? 0);
  const archived = sum(countsUnder(c, 'archived.'));
  switch (metric) {
    case 'opened':
      return { value: opened, n: opened };
    case 'answeredInTimeShare':
      return { value: ratio(c['response.in_time'] ?? 0, settled), n: settled };
    case 'autoApproved':
      return { value: c['response.missed'] ?? 0, n: c['response.missed'] ?? 0 };
    case 'autoApprovedAmount':
      return { value: c[`autoApprovedAmount.${currency}`] ?? 0, n: c['response.missed'] ?? 0 };
    case 'firstResponseMedian':
    case 'firstResponseP90': {
      const values = concatSeconds([...t.firstResponse.values()].flat());
      return { value: percentiles(values, [metric === 'firstResponseMedian' ? 0.5 : 0.9])[0], n: values.length };
    }
    case 'resolutionMedian':
    case 'resolutionP90': {
      const values = concatSeconds(t.resolution);
      return { value: percentiles(values, [metric === 'resolutionMedian' ? 0.5 : 0.9])[0], n: values.length };
    }
    case 'archived':
      return { value: archived, n: archived };
    case 'qualityRefundRate': {
      const quality = c['refunds.quality'] ?? 0;
      const refunds = quality + (c['refunds.non_quality'] ?? 0);
      return paidOrders !== undefined
        ? { value: ratio(quality, paidOrders), n: paidOrders, basis: 'paid_orders' }
        : { value: ratio(quality, refunds), n: refunds, basis: 'refunds' };
    }
    case 'interventionVolume30d':
      return { value: c.interventions ?? 0, n: opened };
    case 'interventionRate30d':
      return { value: ratio(c.interventions ?? 0, opened), n: opened };
    case 'recoded': {
      const net = (c['recodes.recoded'] ?? 0) - (c['recodes.restored'] ?? 0);
      return { value: net, n: net };
    }
    case 'satisfiedShare':
      return { value: ratio(c['ratings.satisfied'] ?? 0, ratings), n: ratings };
  }
}

export { TIMESERIES_METRICS };
