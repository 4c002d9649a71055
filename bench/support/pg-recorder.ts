import pg from 'pg';

/** One connection's statements, in the order the service sent them. */
export interface RecordedSession {
  statements: Array<{ text: string; values?: unknown[] }>;
}

/**
 * Records every statement the process sends through node-postgres, per connection, so that the
 * very same SQL can be replayed without the service in between: the floor the service is compared with.
 */
export class PgRecorder {
  private readonly sessions = new Map<pg.Client, RecordedSession>();
  private original: typeof pg.Client.prototype.query | undefined;

  /**
   * `pin` may rewrite a statement once its result is known. A `SKIP LOCKED` claim replayed as written
   * would claim whatever is free at replay time while the next statements act on the rows claimed
   * when recording; pinning it to the rows it returned keeps the replay doing the same work.
   */
  constructor(private readonly pin?: (statement: { text: string; values?: unknown[] }, rows: unknown[]) => { text: string; values?: unknown[] } | undefined) {}

  start(): void {
    const sessions = this.sessions;
    const pin = this.pin;
    const original = (this.original = pg.Client.prototype.query);
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [first, second] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string })?.text;
      const values = Array.isArray(second) ? second : (first as { values?: unknown[] })?.values;
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (text) {
        let session = sessions.get(this);
        if (!session) sessions.set(this, (session = { statements: [] }));
        const statements = session.statements;
        const index = statements.push({ text, values: values ? [...values] : undefined }) - 1;
        if (pin && result instanceof Promise) {
          void result.then(
            (res: { rows?: unknown[] }) => {
              const pinned = pin(statements[index], res?.rows ?? []);
              if (pinned) statements[index] = pinned;
            },
            () => undefined,
          );
        }
      }
      return result;
    } as typeof pg.Client.prototype.query;
  }

  stop(): RecordedSession[] {
    if (this.original) pg.Client.prototype.query = this.original;
    return [...this.sessions.values()].filter((s) => s.statements.length > 0);
  }
}

/**
 * Replays recorded sessions concurrently, each on its own connection, each in its recorded order.
 * `onStatement`, when given, hears each statement's round-trip time (ms) as replayed.
 */
export async function replay(url: string, sessions: RecordedSession[], onStatement?: (text: string, ms: number) => void): Promise<number> {
  const clients = await Promise.all(
    sessions.map(async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  const timing = process.env.BENCH_REPLAY_TIMING ? new Map<string, { n: number; ms: number }>() : undefined;
  const started = performance.now();
  await Promise.all(
    sessions.map(async (session, i) => {
      for (const statement of session.statements) {
        const t = (timing || onStatement) && performance.now();
        await clients[i].query(statement.text, statement.values);
        onStatement?.(statement.text, performance.now() - (t as number));
        if (timing) {
          const key = statement.text.replace(/\s+/g, ' ').slice(0, 60);
          const entry = timing.get(key) ?? { n: 0, ms: 0 };
          timing.set(key, { n: entry.n + 1, ms: entry.ms + (performance.now() - (t as number)) });
        }
      }
    }),
  );
  const elapsed = performance.now() - started;
  if (timing) for (const [key, { n, ms }] of timing) console.log(`${(ms / n).toFixed(3)} ms x ${n}  ${key}`);
  await Promise.all(clients.map((c) => c.end()));
  return elapsed;
}
