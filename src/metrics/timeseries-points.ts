import { countOf, countsUnder, percentiles, ratio, sum, type DayFigures, type Totals } from './day-figures.js';
import type { TimeseriesMetric } from './dto/metrics.dto.js';
import { dayRange, INTERVENTION_WINDOW_DAYS, type Day } from './metric-period.js';

/**
 * For each day from `from + 29` to `to`: the cases opened and the interventions of the 30 days ending on
 * it, as totals `pointOf` reads (a sliding sum: a year of windows costs a pass over the days, not 30).
 */
export function rollingInterventions(figures: Map<Day, DayFigures>, from: Day, to: Day): Map<Day, Totals> {
  const days = dayRange(from, to);
  const opened = days.map((day) => sum(countsUnder(figures.get(day)!.counts, 'opened.')));
  const interventions = days.map((day) => figures.get(day)!.counts.interventions ?? 0);
  const windows = new Map<Day, Totals>();
  let openedSum = 0;
  let interventionSum = 0;
  days.forEach((day, i) => {
    openedSum += opened[i];
    interventionSum += interventions[i];
    if (i >= INTERVENTION_WINDOW_DAYS) {
      openedSum -= opened[i - INTERVENTION_WINDOW_DAYS];
      interventionSum -= interventions[i - INTERVENTION_WINDOW_DAYS];
    }
    if (i >= INTERVENTION_WINDOW_DAYS - 1) {
      windows.set(day, {
        counts: { 'opened.all': openedSum, 'interventions': interventionSum },
        agentCounts: {},
        firstResponse: [],
        firstResponseByAgent: new Map(),
        resolution: [],
      });
    }
  });
  return windows;
}

const MONEY_METRICS: ReadonlySet<TimeseriesMetric> = new Set(['autoApprovedAmount']);

export function isMoney(metric: TimeseriesMetric): boolean {
  return MONEY_METRICS.has(metric);
}

/** One day's (or one rolling window's) value of a timeseries metric and the number it is taken over. */
export function pointOf(
  metric: TimeseriesMetric,
  t: Totals,
  currency: string,
  paidOrders: number | undefined,
): { value: number | null; n: number; basis?: string } {
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
      return { value: percentiles(t.firstResponse, [metric === 'firstResponseMedian' ? 0.5 : 0.9])[0], n: countOf(t.firstResponse) };
    }
    case 'resolutionMedian':
    case 'resolutionP90': {
      return { value: percentiles(t.resolution, [metric === 'resolutionMedian' ? 0.5 : 0.9])[0], n: countOf(t.resolution) };
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
