import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** One dispatched server-sent event, as an EventSource would see it. */
export interface SseEvent {
  /** `event:` (default `message`). */
  event: string;
  /** `id:` of this event, if it had one. */
  id: string | undefined;
  data: string;
}

/**
 * Makes the application listen on a free loopback port (once) and returns its base URL. supertest reuses
 * a server that already listens, so `t.http` keeps working alongside.
 */
export async function listen(app: NestFastifyApplication): Promise<string> {
  const server = app.getHttpServer() as http.Server;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/**
 * A test client for `text/event-stream` (Node 20 has no EventSource): reads the response with http.get and
 * parses it per the HTML spec (fields `event`, `data`, `id`, `retry`; comments; a blank line dispatches).
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | undefined;
  /** Resolves when the server ends the response (or the connection drops). */
  readonly ended: Promise<void>;

  private buffer = '';
  private pending: { event?: string; id?: string; data: string[] } = { data: [] };
  private listeners = new Set<() => void>();
  private endedFlag = false;
  private resolveEnded!: () => void;

  private constructor(
    private readonly request: http.ClientRequest,
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    readonly body: string | undefined,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  /** Connects and resolves once the response head arrived. A response that is not an event stream is read whole into `body`. */
  static connect(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } }, (response) => {
        response.setEncoding('utf8');
        const isStream = (response.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (!isStream) {
          let body = '';
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            const client = new SseClient(request, response.statusCode ?? 0, response.headers, body);
            client.finish();
            resolve(client);
          });
          return;
        }
        const client = new SseClient(request, response.statusCode ?? 0, response.headers, undefined);
        response.on('data', (chunk: string) => client.feed(chunk));
        response.on('end', () => client.finish());
        response.on('close', () => client.finish());
        response.on('error', () => client.finish());
        resolve(client);
      });
      request.on('error', reject);
    });
  }

  get isEnded(): boolean {
    return this.endedFlag;
  }

  /** The events named `event` (all when omitted). */
  named(event?: string): SseEvent[] {
    return event === undefined ? [...this.events] : this.events.filter((e) => e.event === event);
  }

  /** Waits until `predicate` holds for the events so far; fails after `timeoutMs` with what arrived. */
  async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 10_000, what = 'events'): Promise<SseEvent[]> {
    if (predicate(this.events)) return [...this.events];
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.events)) return;
        cleanup();
        resolve([...this.events]);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${JSON.stringify(this.events.map((e) => e.event))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
    });
  }

  /** Waits for `count` events named `event`. */
  waitForCount(event: string, count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
    return this.waitFor((events) => events.filter((e) => e.event === event).length >= count, timeoutMs, `${count} × ${event}`).then(() => this.named(event));
  }

  close(): void {
    this.request.destroy();
    this.finish();
  }

  private feed(chunk: string): void {
    this.buffer += chunk;
    const lines = this.buffer.split(/\r\n|\r|\n/);
    this.buffer = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    for (const listener of [...this.listeners]) listener();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.pending.data.length > 0 || this.pending.event !== undefined) {
        this.events.push({ event: this.pending.event ?? 'message', id: this.pending.id, data: this.pending.data.join('\n') });
      }
      this.pending = { data: [] };
      return;
    }
    if (line.startsWith(':')) {
      this.comments.push(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.pending.event = value;
    else if (field === 'data') this.pending.data.push(value);
    else if (field === 'id') this.pending.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
  }

  private finish(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    this.resolveEnded();
    for (const listener of [...this.listeners]) listener();
  }
}

export function dataOf<T>(event: SseEvent): T {
  return JSON.parse(event.data) as T;
}
