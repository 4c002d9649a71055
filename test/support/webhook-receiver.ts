import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  status: number;
  /** The body as the `standardwebhooks` package verified it with the endpoint's secret; undefined when no secret was set. */
  verified?: { type: string; timestamp: string; data: Record<string, unknown> };
  verifyError?: string;
}

/**
 * A local HTTP endpoint that answers webhook POSTs with scripted statuses (200 once the script runs out)
 * and verifies every signature with the `standardwebhooks` package, as a receiver in production would.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private script: number[] = [];
  private hang = false;
  private secret: string | undefined;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        const status = this.script.shift() ?? 200;
        const entry: ReceivedWebhook = { headers: request.headers, rawBody, status };
        if (this.secret) {
          try {
            entry.verified = new Webhook(this.secret).verify(rawBody, request.headers as Record<string, string>) as ReceivedWebhook['verified'];
          } catch (error) {
            entry.verifyError = (error as Error).message;
          }
        }
        this.received.push(entry);
        if (this.hang) return; // never answers: the sender's timeout must end the attempt
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? `failing on purpose (${status})` : 'ok');
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  /** The secret signatures are checked with (the endpoint's `whsec_…`). */
  verifyWith(secret: string): void {
    this.secret = secret;
  }

  /** The statuses of the next answers, in order. */
  answer(...statuses: number[]): void {
    this.script.push(...statuses);
  }

  hangUp(hang: boolean): void {
    this.hang = hang;
  }

  clear(): void {
    this.received.length = 0;
    this.script = [];
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
