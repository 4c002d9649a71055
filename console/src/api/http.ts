/**
 * The console's one way to call the API: same-origin fetch with the session cookie, JSON in and out,
 * RFC 9457 problems thrown as ApiProblem. A 401 anywhere sends the agent to sign in and back.
 */

export interface ProblemBody {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: Array<{ field: string; message: string }>;
  [extra: string]: unknown;
}

export class ApiProblem extends Error {
  constructor(readonly problem: ProblemBody) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiProblem';
  }
  get status(): number {
    return this.problem.status;
  }
  get code(): string | undefined {
    return this.problem.code;
  }
}

export function isProblem(error: unknown, code?: string): error is ApiProblem {
  return error instanceof ApiProblem && (code === undefined || error.code === code);
}

let onUnauthenticated: () => void = () => {
  const next = `${location.pathname}${location.search}`;
  if (!location.pathname.startsWith('/login')) location.assign(`/login?next=${encodeURIComponent(next)}`);
};

/** The router installs a navigation that keeps the app loaded. */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Login itself answers 401 for wrong credentials: that is a message, not a redirect. */
  allowUnauthenticated?: boolean;
}

export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
    credentials: 'same-origin',
    signal: options.signal,
  });
  if (response.status === 401 && !options.allowUnauthenticated) onUnauthenticated();
  if (!response.ok) throw new ApiProblem(await problemOf(response));
  if (response.status === 204) return undefined as T;
  const type = response.headers.get('content-type') ?? '';
  return (type.includes('json') ? await response.json() : await response.text()) as T;
}

export async function problemOf(response: Response): Promise<ProblemBody> {
  try {
    const parsed = (await response.json()) as ProblemBody;
    return { ...parsed, status: parsed.status ?? response.status };
  } catch {
    return { status: response.status, title: response.statusText };
  }
}

/** `If-Match` carries the case version the agent saw. */
export const ifMatch = (version: number): Record<string, string> => ({ 'if-match': `"${version}"` });

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
