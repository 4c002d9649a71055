import { Injectable, Logger, type BeforeApplicationShutdown, type MessageEvent } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EMPTY, Observable, Subject, takeUntil } from 'rxjs';
import type { DataSource } from 'typeorm';
import { ChangesRepository, type ChangeRow, type FeedPosition } from '../changes/changes.repository.js';
import { compareFeedPositions, feedCursor, feedPositionOf } from '../changes/feed-cursor.js';
import { Clock } from '../platform/clock/clock.js';
import { Environment } from '../platform/config/environment.js';
import { caseChangedEvent, HEARTBEAT, helloEvent, resetEvent } from './stream-events.js';

/** Rows per read of the change feed, for the shared reader and for a subscriber catching up. */
const FEED_BATCH = 500;

/** One open stream. */
interface Subscriber {
  readonly shopId: string;
  /** The last position this subscriber was sent (or resumed from): nothing at or before it is sent again. */
  sent: FeedPosition | undefined;
  /** False while it catches up from its own cursor; the shared reader's rows wait in `waiting` meanwhile. */
  live: boolean;
  waiting: Array<{ row: ChangeRow; position: FeedPosition }>;
  closed: boolean;
  push(event: MessageEvent): void;
}

/** The one reader of a shop's change feed in this instance, while the shop has subscribers. */
interface ShopFeed {
  readonly shopId: string;
  /** Where the reader stands; known once `ready` resolves. */
  position: FeedPosition | undefined;
  ready: Promise<void>;
  subscribers: Set<Subscriber>;
  timer: NodeJS.Timeout | undefined;
  reading: Promise<void> | undefined;
  reads: number;
  stopped: boolean;
}

export interface StreamStats {
  /** Open `GET /v1/stream` connections on this instance. */
  openStreams: number;
  /** Change-feed readers on this instance: one per shop that has subscribers, however many they are. */
  readers: number;
  shops: Array<{ shopId: string; subscribers: number; catchingUp: number; reads: number }>;
}

/**
 * Live updates for the console (GET /v1/stream), fed by the change feed. Each shop with subscribers has one
 * reader per instance, polling the feed from its position every STREAM_POLL_INTERVAL_MS and fanning each
 * change out to that shop's subscribers only; no instance needs to hear from another, since all read the
 * same feed.
 *
 * A subscriber that resumes from an older cursor (Last-Event-ID) first reads the feed from there on its
 * own while the shared reader's rows wait for it, then takes those that are newer than what it has sent,
 * and joins the shared stream. Nothing is missed: every row up to the shared reader's position was final
 * when the reader got there, so the catch-up (which reads until the feed has no more) sees it; every row
 * after that position reaches the subscriber from the shared reader. Nothing is sent twice: a subscriber
 * is only ever sent rows after the last one it was sent, and both sources deliver in feed order.
 */
@Injectable()
export class StreamHub implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamHub.name);
  private readonly feeds = new Map<string, ShopFeed>();
  private readonly closing$ = new Subject<void>();
  private shuttingDown = false;
  private open = 0;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changes: ChangesRepository,
    private readonly clock: Clock,
    private readonly env: Environment,
  ) {}

  /**
   * The events of one connection, created synchronously (Nest wires the disconnect handling to the
   * Observable it gets back). `lastEventId`: the cursor to resume after, from the Last-Event-ID header.
   */
  subscribe(shopId: string, lastEventId: string | undefined): Observable<MessageEvent> {
    if (this.shuttingDown) return EMPTY;
    return new Observable<MessageEvent>((observer) => {
      const subscriber: Subscriber = {
        shopId,
        sent: undefined,
        live: false,
        waiting: [],
        closed: false,
        push: (event) => observer.next(event),
      };
      const feed = this.join(subscriber);
      this.open += 1;
      const heartbeat = setInterval(() => subscriber.push(HEARTBEAT), this.env.STREAM_HEARTBEAT_MS);
      heartbeat.unref();
      this.start(feed, subscriber, lastEventId).catch((error: unknown) => {
        if (subscriber.closed) return;
        this.logger.warn({ err: error, shopId }, 'live-update stream failed to start');
        observer.error(error);
      });
      return () => {
        subscriber.closed = true;
        clearInterval(heartbeat);
        this.open -= 1;
        this.leave(feed, subscriber);
      };
    }).pipe(takeUntil(this.closing$));
  }

  stats(): StreamStats {
    return {
      openStreams: this.open,
      readers: this.feeds.size,
      shops: [...this.feeds.values()].map((feed) => ({
        shopId: feed.shopId,
        subscribers: feed.subscribers.size,
        catchingUp: [...feed.subscribers].filter((s) => !s.live).length,
        reads: feed.reads,
      })),
    };
  }

  /** Ends every open stream and stops the readers, so the HTTP server can close at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    this.closing$.next();
    this.closing$.complete();
    const reads = [...this.feeds.values()].map((feed) => {
      this.stop(feed);
      return feed.reading;
    });
    await Promise.allSettled(reads);
  }

  private join(subscriber: Subscriber): ShopFeed {
    let feed = this.feeds.get(subscriber.shopId);
    if (!feed) {
      const created: ShopFeed = {
        shopId: subscriber.shopId,
        position: undefined,
        ready: Promise.resolve(),
        subscribers: new Set(),
        timer: undefined,
        reading: undefined,
        reads: 0,
        stopped: false,
      };
      // A new reader starts at the feed's end: older changes are for subscribers that ask for them.
      created.ready = this.changes.head(this.dataSource.manager).then((head) => {
        created.position = head;
        this.schedule(created);
      });
      // A reader that cannot start is dropped at once (its subscribers get the error); the next one tries anew.
      created.ready.catch(() => this.stop(created));
      this.feeds.set(subscriber.shopId, created);
      feed = created;
    }
    feed.subscribers.add(subscriber);
    return feed;
  }

  private leave(feed: ShopFeed, subscriber: Subscriber): void {
    feed.subscribers.delete(subscriber);
    if (feed.subscribers.size === 0) this.stop(feed);
  }

  private stop(feed: ShopFeed): void {
    feed.stopped = true;
    clearTimeout(feed.timer);
    if (this.feeds.get(feed.shopId) === feed) this.feeds.delete(feed.shopId);
  }

  private async start(feed: ShopFeed, subscriber: Subscriber, lastEventId: string | undefined): Promise<void> {
    await feed.ready;
    if (subscriber.closed) return;
    const now = this.clock.now();
    const resumeFrom = lastEventId === undefined ? undefined : await this.resumable(lastEventId);
    if (subscriber.closed) return;

    if (resumeFrom === undefined || 'invalid' in resumeFrom) {
      // From now: the shared reader's position, taken in the same tick the subscriber goes live.
      subscriber.sent = feed.position!;
      subscriber.push(helloEvent(subscriber.sent, now));
      if (resumeFrom) subscriber.push(resetEvent(subscriber.sent, resumeFrom.invalid));
      this.goLive(subscriber);
      return;
    }

    subscriber.sent = resumeFrom.position;
    subscriber.push(helloEvent(subscriber.sent, now));
    for (;;) {
      const rows = await this.changes.page(this.dataSource.manager, subscriber.shopId, subscriber.sent, FEED_BATCH);
      if (subscriber.closed) return;
      for (const row of rows) this.deliver(subscriber, row, feedPositionOf(row));
      if (rows.length < FEED_BATCH) break;
    }
    this.goLive(subscriber);
  }

  /** The position a Last-Event-ID names, or why it cannot be resumed. */
  private async resumable(lastEventId: string): Promise<{ position: FeedPosition } | { invalid: string }> {
    let position: FeedPosition | undefined;
    try {
      position = feedCursor.decode(lastEventId);
    } catch {
      return { invalid: 'Last-Event-ID is not a cursor of this stream.' };
    }
    if (!position) return { invalid: 'Last-Event-ID is empty.' };
    // No cursor this service handed out lies beyond the feed's end (from another database, or made up):
    // resuming there would silently skip every change until the feed got that far.
    const head = await this.changes.head(this.dataSource.manager);
    if (compareFeedPositions(position, head) > 0) return { invalid: 'Last-Event-ID lies beyond the end of the change feed.' };
    return { position };
  }

  /** Sends what the shared reader brought while the subscriber caught up, then hands it to the reader. */
  private goLive(subscriber: Subscriber): void {
    for (const { row, position } of subscriber.waiting) this.deliver(subscriber, row, position);
    subscriber.waiting = [];
    subscriber.live = true;
  }

  private deliver(subscriber: Subscriber, row: ChangeRow, position: FeedPosition): void {
    if (subscriber.closed) return;
    if (subscriber.sent && compareFeedPositions(position, subscriber.sent) <= 0) return;
    subscriber.sent = position;
    subscriber.push(caseChangedEvent(row, position));
  }

  private schedule(feed: ShopFeed): void {
    if (feed.stopped) return;
    feed.timer = setTimeout(() => {
      feed.reading = this.read(feed).finally(() => {
        feed.reading = undefined;
        this.schedule(feed);
      });
    }, this.env.STREAM_POLL_INTERVAL_MS);
    feed.timer.unref();
  }

  /** Reads the shop's feed from the reader's position until it has no more, fanning each row out. */
  private async read(feed: ShopFeed): Promise<void> {
    try {
      for (;;) {
        if (feed.stopped) return;
        feed.reads += 1;
        const rows = await this.changes.page(this.dataSource.manager, feed.shopId, feed.position, FEED_BATCH);
        if (feed.stopped) return;
        for (const row of rows) {
          const position = feedPositionOf(row);
          feed.position = position;
          for (const subscriber of feed.subscribers) {
            if (subscriber.live) this.deliver(subscriber, row, position);
            else subscriber.waiting.push({ row, position });
          }
        }
        if (rows.length < FEED_BATCH) return;
      }
    } catch (error) {
      // The next tick tries again from the same position: the feed, not this reader, holds the truth.
      this.logger.warn({ err: error, shopId: feed.shopId }, 'reading the change feed for live updates failed');
    }
  }
}
