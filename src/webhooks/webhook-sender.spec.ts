import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookSender } from './webhook-sender.js';
import { WebhookTargetPolicy, type Resolver } from './webhook-targets.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: string;
  localAddress: string | undefined;
}

/** Only loopback traffic here: names resolve through a table, and refused targets are never connected to. */
describe(WebhookSender.name, () => {
  let server: Server;
  let port: number;
  const seen: Seen[] = [];
  let answer: (response: ServerResponse) => void = (response) => response.writeHead(200).end('ok');
  const senders: WebhookSender[] = [];

  function sender(allowed: string, resolver: Resolver, timeoutMs = 2000): WebhookSender {
    const created = new WebhookSender(new WebhookTargetPolicy(allowed), timeoutMs, resolver);
    senders.push(created);
    return created;
  }

  /** Answers `first` once, then `later` for every further lookup (a DNS rebinding attacker's server). */
  function rebindingResolver(first: string, later: string): Resolver & { calls: number } {
    const resolver = async () => {
      resolver.calls++;
      return [{ address: resolver.calls === 1 ? first : later, family: 4 }];
    };
    resolver.calls = 0;
    return resolver;
  }

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        seen.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), localAddress: request.socket.localAddress });
        answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  beforeEach(() => {
    seen.length = 0;
    answer = (response) => response.writeHead(200).end('ok');
  });
  afterAll(async () => {
    for (const created of senders) created.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should connect to the address it checked, keeping the URL’s host name in the Host header', async () => {
    // 127.0.0.2 would be refused (only 127.0.0.1 is allowed) and nothing listens there: reaching the
    // server proves the connection used the first, checked answer and never asked DNS again.
    const resolver = rebindingResolver('127.0.0.1', '127.0.0.2');
    const outcome = await sender('127.0.0.1', resolver).post(`http://hooks.example.test:${port}/in?x=1`, { 'content-type': 'application/json' }, '{"a":1}');
    expect(outcome).toMatchObject({ statusCode: 200, error: null, responseBody: 'ok' });
    expect(resolver.calls).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ body: '{"a":1}', localAddress: '127.0.0.1' });
    expect(seen[0].headers).toMatchObject({ 'host': `hooks.example.test:${port}`, 'content-type': 'application/json', 'content-length': '7' });
  });

  it('should fall back from one checked address to the next when the first does not answer', async () => {
    const resolver: Resolver = async () => [
      { address: '127.0.0.2', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ];
    const outcome = await sender('127.0.0.0/8', resolver).post(`http://two.example.test:${port}/`, {}, 'x');
    expect(outcome).toMatchObject({ statusCode: 200 });
    expect(seen[0].localAddress).toBe('127.0.0.1');
  });

  it('should check again at every attempt, so a name rebound to a refused address is refused', async () => {
    const resolver = rebindingResolver('127.0.0.1', '127.0.0.2');
    const send = sender('127.0.0.1/32', resolver);
    expect((await send.post(`http://rebind.example.test:${port}/`, {}, 'x')).statusCode).toBe(200);
    const second = await send.post(`http://rebind.example.test:${port}/`, {}, 'x');
    expect(second).toMatchObject({
      statusCode: null,
      refused: true,
      error: 'target address 127.0.0.2 (rebind.example.test) is not allowed (loopback); allow it with WEBHOOK_ALLOWED_TARGETS',
    });
    expect(seen).toHaveLength(1);
  });

  it('should refuse a literal loopback address it is not allowed to reach, without connecting', async () => {
    const outcome = await sender('none', rebindingResolver('127.0.0.1', '127.0.0.1')).post(`http://127.0.0.1:${port}/`, {}, 'x');
    expect(outcome).toMatchObject({
      statusCode: null,
      refused: true,
      error: 'target address 127.0.0.1 is not allowed (loopback); allow it with WEBHOOK_ALLOWED_TARGETS',
    });
    expect(seen).toHaveLength(0);
  });

  it('should give the status of a redirect without following it, and keep only the start of a long answer', async () => {
    answer = (response) => response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    expect(await sender('127.0.0.1', rebindingResolver('127.0.0.1', '127.0.0.1')).post(`http://127.0.0.1:${port}/`, {}, 'x')).toMatchObject({
      statusCode: 302,
      error: null,
    });
    expect(seen).toHaveLength(1);

    answer = (response) => response.writeHead(500).end('e'.repeat(50_000));
    const long = await sender('127.0.0.1', rebindingResolver('127.0.0.1', '127.0.0.1')).post(`http://127.0.0.1:${port}/`, {}, 'x');
    expect(long.statusCode).toBe(500);
    expect(long.responseBody).toBe('e'.repeat(1000));
  });

  it('should end the attempt at the timeout, whether the receiver or the name lookup hangs', async () => {
    answer = () => undefined;
    const hanging = await sender('127.0.0.1', rebindingResolver('127.0.0.1', '127.0.0.1'), 200).post(`http://127.0.0.1:${port}/`, {}, 'x');
    expect(hanging).toMatchObject({ statusCode: null, error: 'timed out after 200 ms' });

    const stuckDns: Resolver = () => new Promise(() => undefined);
    const lookup = await sender('127.0.0.1', stuckDns, 200).post(`http://hooks.example.test:${port}/`, {}, 'x');
    expect(lookup).toMatchObject({ statusCode: null, error: 'timed out after 200 ms' });
  });

  it('should report a name that does not resolve and a refused connection by their codes', async () => {
    const missing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example.test'), { code: 'ENOTFOUND' });
    };
    expect(await sender('127.0.0.1', missing).post('http://nowhere.example.test/', {}, 'x')).toMatchObject({ statusCode: null, error: 'ENOTFOUND' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await sender('127.0.0.1', missing).post(`http://127.0.0.1:${closedPort}/`, {}, 'x')).toMatchObject({ statusCode: null, error: 'ECONNREFUSED' });
  });
});
