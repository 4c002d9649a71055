import type { MessageEvent } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ChangeRow, ChangesRepository, FeedPosition } from '../changes/changes.repository.js';
import { compareFeedPositions, feedCursor } from '../changes/feed-cursor.js';
import { ManualClock } from '../platform/clock/clock.js';
import { loadEnvironment } from '../platform/config/environment.js';
import { StreamHub } from './stream-hub.js';

const SHOP = '11111111-1111-4111-8111-111111111111';
const OTHER_SHOP = '22222222-2222-4222-8222-222222222222';

function row(feedKey: number, shopId = SHOP): ChangeRow & { shopId: string } {
  return {
    shopId,
    feed_key: String(feedKey),
    case_id: `00000000-0000-4000-8000-${String(feedKey).padStart(12, '0')}`,
    seq: 1,
    type: 'CASE_OPENED',
    actor_kind: 'integration',
    actor_id: 'key',
    from_state: null,
    to_state: 'open.contact',
    at: new Date('2026-11-02T09:00:00Z'),
    payload: {},
    order_id: 'ORD',
    platform_case_id: null,
    assignee_id: null,
  };
}

const positionOf = (r: ChangeRow): FeedPosition => ({ feedKey: r.feed_key, caseId: r.case_id, seq: r.seq });
const cursorOf = (r: ChangeRow) => feedCursor.encode(positionOf(r));

/**
 * The change feed in memory. A read sees the rows committed when it was issued (like a query's snapshot),
 * and may be held until the test lets it answer, to force the interleavings that matter.
 */
class FakeFeed {
  rows: Array<ChangeRow & { shopId: string }> = [];
  reads: Array<{ after: FeedPosition | undefined; release: () => void }> = [];
  holdNext: ((after: FeedPosition | undefined) => boolean) | undefined;

  readonly repository = {
    page: async (_tx: unknown, shopId: string, after: FeedPosition | undefined, limit: number) => {
      const snapshot = this.rows.filter((r) => r.shopId === shopId && (!after || compareFeedPositions(positionOf(r), after) > 0)).slice(0, limit);
      if (this.holdNext?.(after)) {
        this.holdNext = undefined;
        await new Promise<void>((release) => this.reads.push({ after, release }));
      }
      return snapshot;
    },
    head: async () => {
      const last = this.rows[this.rows.length - 1];
      return last ? positionOf(last) : { feedKey: '0', caseId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', seq: 2147483647 };
    },
  } as unknown as ChangesRepository;

  add(...keys: number[]): void {
    for (const key of keys) this.rows.push(row(key));
  }
}

function collect(hub: StreamHub, lastEventId?: string, shopId = SHOP) {
  const events: MessageEvent[] = [];
  let completed = false;
  const subscription = hub.subscribe(shopId, lastEventId).subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
  return {
    events,
    get completed() {
      return completed;
    },
    changedKeys: () => events.filter((e) => e.type === 'case.changed').map((e) => Number((e.data as { caseId: string }).caseId.slice(-12))),
    close: () => subscription.unsubscribe(),
  };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe(StreamHub.name, () => {
  let feed: FakeFeed;
  let hub: StreamHub;

  beforeEach(() => {
    feed = new FakeFeed();
    const env = loadEnvironment({ STREAM_POLL_INTERVAL_MS: '10', STREAM_HEARTBEAT_MS: '60000' });
    hub = new StreamHub({ manager: {} } as DataSource, feed.repository, new ManualClock(), env);
  });

  afterEach(async () => {
    await hub.beforeApplicationShutdown();
  });

  it('should keep what the shared reader brings while a subscriber catches up, and send it after the catch-up', async () => {
    feed.add(1, 2, 3);
    const live = collect(hub);
    await until(() => live.events.length === 1);

    // The latecomer's catch-up read is held while the shared reader finds 4 and 5.
    feed.holdNext = (after) => after?.feedKey === '1';
    const late = collect(hub, cursorOf(feed.rows[0]));
    await until(() => feed.reads.length === 1);
    feed.add(4, 5);
    await until(() => live.changedKeys().length === 2);
    expect(hub.stats().shops[0]).toMatchObject({ subscribers: 2, catchingUp: 1 });

    // The catch-up answers with what was there when it asked (2, 3); 4 and 5 come from the shared reader.
    feed.reads[0].release();
    await until(() => late.changedKeys().length === 4);
    feed.add(6);
    await until(() => late.changedKeys().length === 5 && live.changedKeys().length === 3);
    expect(late.changedKeys()).toEqual([2, 3, 4, 5, 6]);
    expect(live.changedKeys()).toEqual([4, 5, 6]);
    expect(hub.stats()).toMatchObject({ openStreams: 2, readers: 1, shops: [{ subscribers: 2, catchingUp: 0 }] });
  });

  it('should not send twice what the catch-up found before the shared reader did', async () => {
    feed.add(1, 2);
    const live = collect(hub);
    await until(() => live.events.length === 1);
    // The shared reader's next read is held: the latecomer catches up past it (3, 4) on its own.
    feed.holdNext = (after) => after?.feedKey === '2';
    await until(() => feed.reads.length === 1);
    feed.add(3, 4);
    const late = collect(hub, cursorOf(feed.rows[0]));
    await until(() => late.changedKeys().length === 3);
    expect(hub.stats().shops[0].catchingUp).toBe(0);
    // The shared reader gets to 3 and 4 only now: the latecomer has them already.
    feed.reads[0].release();
    await until(() => live.changedKeys().length === 2);
    feed.add(5);
    await until(() => late.changedKeys().length === 4);
    expect(late.changedKeys()).toEqual([2, 3, 4, 5]);
    expect(live.changedKeys()).toEqual([3, 4, 5]);
  });

  it('should give each shop its own reader and each subscriber only its shop', async () => {
    const a1 = collect(hub);
    const a2 = collect(hub);
    const b = collect(hub, undefined, OTHER_SHOP);
    await until(() => a1.events.length === 1 && a2.events.length === 1 && b.events.length === 1);
    feed.add(1);
    feed.rows.push(row(2, OTHER_SHOP));
    await until(() => a1.changedKeys().length === 1 && a2.changedKeys().length === 1 && b.changedKeys().length === 1);
    expect([a1.changedKeys(), a2.changedKeys(), b.changedKeys()]).toEqual([[1], [1], [2]]);
    expect(hub.stats()).toMatchObject({ openStreams: 3, readers: 2 });

    a1.close();
    expect(hub.stats()).toMatchObject({ openStreams: 2, readers: 2 });
    a2.close();
    expect(hub.stats()).toMatchObject({ openStreams: 1, readers: 1 });
  });

  it('should complete every stream at shutdown and refuse new ones', async () => {
    const open = collect(hub);
    await until(() => open.events.length === 1);
    await hub.beforeApplicationShutdown();
    expect(open.completed).toBe(true);
    expect(hub.stats()).toMatchObject({ openStreams: 0, readers: 0 });
    expect(collect(hub).completed).toBe(true);
  });
});
