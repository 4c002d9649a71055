import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pinnedLookup, systemResolver, TargetRefusedError, type Resolver, type VettedTarget, type WebhookTargetPolicy } from './webhook-targets.js';

export interface AttemptOutcome {
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
  /** Set when the policy refused the target: nothing was sent. */
  refused?: boolean;
}

const RESPONSE_SNIPPET_BYTES = 1000;
const NO_BODY_STATUSES = [204, 205, 304];

class AttemptTimeout extends Error {
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.name = 'AttemptTimeout';
  }
}

/**
 * Sends one webhook POST to a vetted address. Not fetch: fetch resolves the host itself, after any check
 * we could make, and that gap is what DNS rebinding uses. Here the host is resolved once, every address
 * checked, and the socket pinned to the checked one. Redirects are not followed (a moved endpoint must
 * be updated over the API, and a redirect must not lead somewhere the check never saw).
 */
export class WebhookSender {
  // Own keep-alive pools, dropped on shutdown. A pooled socket was opened to an address vetted then.
  private readonly agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

  constructor(
    private readonly policy: WebhookTargetPolicy,
    private readonly timeoutMs: number,
    private readonly resolver: Resolver = systemResolver,
  ) {}

  /** The whole attempt, name resolution included, ends at the timeout. */
  async post(url: string, headers: Record<string, string>, body: string): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let expire: () => void = () => undefined;
    const expired = new Promise<never>((_, reject) => (expire = () => reject(new AttemptTimeout(this.timeoutMs))));
    expired.catch(() => undefined);
    const timer = setTimeout(() => expire(), this.timeoutMs);
    try {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new Error(`unsupported protocol ${target.protocol}`);
      const vetted = await Promise.race([this.policy.vet(target, this.resolver), expired]);
      const response = await this.request(target, vetted, headers, body, expired);
      return { ...response, error: null, durationMs: elapsed() };
    } catch (error) {
      const reason = error as NodeJS.ErrnoException;
      const refused = error instanceof TargetRefusedError;
      const detail = refused || error instanceof AttemptTimeout ? reason.message : (reason.code ?? reason.message);
      return { statusCode: null, error: detail, responseBody: null, durationMs: elapsed(), ...(refused ? { refused } : {}) };
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private request(
    url: URL,
    vetted: VettedTarget,
    headers: Record<string, string>,
    body: string,
    expired: Promise<never>,
  ): Promise<{ statusCode: number; responseBody: string | null }> {
    return new Promise((resolve, reject) => {
      const protocol = url.protocol as 'http:' | 'https:';
      const request = (protocol === 'https:' ? https : http).request({
        protocol,
        hostname: vetted.host,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { ...headers, 'host': url.host, 'content-length': String(Buffer.byteLength(body)) },
        agent: this.agents[protocol],
        // A literal address is connected to as it is (it was the one checked); a name goes through this.
        lookup: pinnedLookup(vetted.addresses),
      });
      let response: IncomingMessage | undefined;
      expired.catch((error: Error) => {
        reject(error);
        request.destroy(error);
        response?.destroy();
      });
      request.on('error', reject);
      request.on('response', (res) => {
        response = res;
        const chunks: Buffer[] = [];
        let size = 0;
        const statusCode = res.statusCode ?? 0;
        const finish = () =>
          resolve({
            statusCode,
            responseBody: NO_BODY_STATUSES.includes(statusCode) ? null : Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          if (size >= RESPONSE_SNIPPET_BYTES) {
            // The rest is not read: the log keeps only the start, and the connection is not reused.
            finish();
            res.destroy();
          }
        });
        res.on('end', finish);
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('ECONNRESET')));
      });
      request.end(body);
    });
  }
}
