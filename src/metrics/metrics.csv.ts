import { csvRecord, type CsvValue } from '../platform/csv.js';

function lines(rows: CsvValue[][]): string {
  return rows.map(csvRecord).join('');
}

/** Every leaf of the summary as `metric,value`, with dotted names, in the JSON's order. */
export function summaryCsv(summary: object): string {
  const rows: CsvValue[][] = [['metric', 'value']];
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) walk(child, path ? `${path}.${key}` : key);
    } else rows.push([path, value as CsvValue]);
  };
  walk(summary, '');
  return lines(rows);
}

export function timeseriesCsv(series: { metric: string; points: Array<{ date: string; value: number | null; n: number; basis?: string }> }): string {
  const withBasis = series.metric === 'qualityRefundRate';
  const header = withBasis ? ['date', 'value', 'n', 'basis'] : ['date', 'value', 'n'];
  const rows = series.points.map((p): CsvValue[] => [p.date, p.value, p.n, ...(withBasis ? [p.basis] : [])]);
  return lines([header, ...rows]);
}

interface AgentFigures {
  agentId: string;
  displayName: string;
  role: string;
  active: boolean;
  handled: number;
  openNow: number;
  overdueNow: number;
  dueSoonNow: number;
  firstResponse: { count: number; medianSeconds: number | null };
  satisfaction: { ratings: number; satisfied: number; satisfiedShare: number };
}

export function agentsCsv(result: { agents: AgentFigures[] }): string {
  const header = [
    'agentId',
    'displayName',
    'role',
    'active',
    'handled',
    'openNow',
    'overdueNow',
    'dueSoonNow',
    'firstResponses',
    'firstResponseMedianSeconds',
    'ratings',
    'satisfied',
    'satisfiedShare',
  ];
  const rows = result.agents.map((a): CsvValue[] => [
    a.agentId,
    a.displayName,
    a.role,
    a.active,
    a.handled,
    a.openNow,
    a.overdueNow,
    a.dueSoonNow,
    a.firstResponse.count,
    a.firstResponse.medianSeconds,
    a.satisfaction.ratings,
    a.satisfaction.satisfied,
    a.satisfaction.satisfiedShare,
  ]);
  return lines([header, ...rows]);
}

/**
 * Whether the client asked for CSV rather than JSON: `text/csv` listed with a higher quality than any
 * JSON type (ties go to the one listed first).
 */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let best: { csv: boolean; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [type, ...params] = part.trim().toLowerCase().split(';');
    const csv = type.trim() === 'text/csv';
    const json = ['application/json', 'application/*', '*/*', 'application/problem+json'].includes(type.trim());
    if (!csv && !json) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    if (best === null || q > best.q) best = { csv, q };
  }
  return best?.csv ?? false;
}
