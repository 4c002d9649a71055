import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { OpenApiDocument } from '../lib/event-schema';
import { api, query } from './http';
import type {
  AgentView,
  AuditEventView,
  Bootstrap,
  CannedReply,
  CaseMachineDescription,
  CaseView,
  ConsoleBootstrapView,
  EvidenceList,
  Page,
  QueueCounts,
  QueueItem,
  ReasonsResponse,
} from './types';

/** Query keys in one place: SSE invalidation and mutations name the same keys as the screens. */
export const keys = {
  bootstrap: ['bootstrap'] as const,
  queue: (filters: Record<string, string | undefined>) => ['queue', filters] as const,
  queueAll: ['queue'] as const,
  counts: ['queue-counts'] as const,
  case: (id: string) => ['case', id] as const,
  timeline: (id: string) => ['timeline', id] as const,
  evidence: (id: string) => ['evidence', id] as const,
  search: (filters: Record<string, string | undefined>) => ['cases', filters] as const,
  machine: ['machine'] as const,
  reasons: ['reasons'] as const,
  agents: (shopId: string) => ['agents', shopId] as const,
  canned: (step?: string, caseType?: string) => ['canned', step, caseType] as const,
  openapi: ['openapi'] as const,
};

const STATIC = { staleTime: Infinity, gcTime: Infinity } as const;

const bootstrapQuery = {
  queryKey: keys.bootstrap,
  queryFn: () => api<ConsoleBootstrapView>('/v1/console/bootstrap').then(({ me, ...rest }): Bootstrap => ({ ...rest, agent: me })),
  staleTime: 60_000,
  retry: false,
} as const;

export function useBootstrap() {
  return useQuery(bootstrapQuery);
}

/**
 * Starts what the first screen needs while its code is still loading: the bootstrap always, the queue
 * on a queue URL. Outside a session the bootstrap answers 401 and the shell sends the agent to sign in.
 */
export function prefetchFirstScreen(client: QueryClient, path: string, search: string): void {
  if (path.startsWith('/login')) return;
  void client.prefetchQuery(bootstrapQuery);
  if (path === '/' || path.startsWith('/queue')) {
    const filters = Object.fromEntries(new URLSearchParams(search));
    void client.prefetchQuery({
      queryKey: keys.queue(filters),
      queryFn: () => fetchQueue(filters, (partial) => client.setQueryData(keys.queue(filters), partial)),
    });
  }
}

export const QUEUE_PAGE = 200;

/** The whole queue in the API's order: pages are followed up to 2,000 rows (the list is windowed). */
/** The whole queue page by page; `onPage` sees what has arrived so far, so the first rows show at once. */
export async function fetchQueue(filters: Record<string, string | undefined>, onPage?: (sofar: QueueItem[]) => void): Promise<QueueItem[]> {
  const items: QueueItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await api<Page<QueueItem>>(`/v1/queue${query({ ...filters, limit: QUEUE_PAGE, cursor })}`);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (cursor) onPage?.([...items]);
  } while (cursor && items.length < 2000);
  return items;
}

export function useQueue(filters: Record<string, string | undefined>) {
  const client = useQueryClient();
  const key = keys.queue(filters);
  return useQuery({
    queryKey: key,
    queryFn: () => fetchQueue(filters, (sofar) => client.setQueryData(key, sofar)),
    placeholderData: keepPreviousData,
    refetchInterval: 60_000,
  });
}

export function useQueueCounts() {
  return useQuery({ queryKey: keys.counts, queryFn: () => api<QueueCounts>('/v1/queue/counts'), refetchInterval: 60_000 });
}

export function useCase(id: string) {
  return useQuery({ queryKey: keys.case(id), queryFn: () => api<CaseView>(`/v1/cases/${id}`) });
}

export function useTimeline(id: string) {
  return useQuery({ queryKey: keys.timeline(id), queryFn: () => api<AuditEventView[]>(`/v1/cases/${id}/events`) });
}

export function useEvidence(id: string) {
  return useQuery({ queryKey: keys.evidence(id), queryFn: () => api<EvidenceList>(`/v1/cases/${id}/evidence`) });
}

export function useMachine() {
  return useQuery({ queryKey: keys.machine, queryFn: () => api<CaseMachineDescription>('/v1/machine'), ...STATIC });
}

export function useReasons() {
  return useQuery({ queryKey: keys.reasons, queryFn: () => api<ReasonsResponse>('/v1/reasons'), ...STATIC });
}

export function useAgents(shopId: string | undefined) {
  return useQuery({
    queryKey: keys.agents(shopId ?? ''),
    enabled: Boolean(shopId),
    queryFn: async () => {
      const result = await api<AgentView[] | Page<AgentView>>(`/v1/shops/${shopId}/agents`);
      return Array.isArray(result) ? result : result.items;
    },
    staleTime: 30_000,
  });
}

export function useCanned(step: string | undefined, caseType: string | undefined) {
  return useQuery({
    queryKey: keys.canned(step, caseType),
    queryFn: () => api<CannedReply[] | Page<CannedReply>>(`/v1/replies/canned${query({ step, caseType })}`).then((r) => (Array.isArray(r) ? r : r.items)),
    staleTime: 5 * 60_000,
  });
}

export function useOpenApi() {
  return useQuery({ queryKey: keys.openapi, queryFn: () => api<OpenApiDocument>('/docs/json'), ...STATIC, retry: 1 });
}

export function useCaseSearch(filters: Record<string, string | undefined>, enabled = true) {
  return useQuery({
    queryKey: keys.search(filters),
    enabled,
    queryFn: () => api<Page<CaseView>>(`/v1/cases${query({ ...filters, limit: 50 })}`),
    placeholderData: keepPreviousData,
  });
}

/** After any change to a case: its own views now, the lists shortly after (they are heavier). */
export function invalidateCase(client: QueryClient, caseId: string): void {
  void client.invalidateQueries({ queryKey: keys.case(caseId) });
  void client.invalidateQueries({ queryKey: keys.timeline(caseId) });
  void client.invalidateQueries({ queryKey: keys.evidence(caseId) });
}
