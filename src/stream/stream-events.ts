import type { MessageEvent } from '@nestjs/common';
import type { ChangeRow, FeedPosition } from '../changes/changes.repository.js';
import { toChange } from '../changes/change.view.js';
import { feedCursor } from '../changes/feed-cursor.js';

/** How long a browser waits before reconnecting a dropped stream (the SSE `retry:` field). */
export const STREAM_RETRY_MS = 3000;

/** `event: hello` — first on every connection: the server's time (for countdowns) and where the stream starts. */
export interface HelloData {
  serverTime: string;
  /** The position the stream continues from; also this event's id. */
  cursor: string;
}

/** `event: case.changed` — one accepted case event, in commit order; its id is the change-feed cursor. */
export interface CaseChangedData {
  caseId: string;
  /** The case version after this change (the event's seq): compare with the version on screen. */
  version: number;
  /** The case event, e.g. CONTACT_BUYER, ASSIGNEE_CHANGED, MERCHANT_RESPONSE_EXPIRED. */
  type: string;
  fromState: string | null;
  toState: string;
  at: string;
  actor: { kind: string; id: string };
  /** Who holds the case when the change is sent (not necessarily when it happened); null: unassigned. */
  assigneeId: string | null;
}

/** `event: reset` — the Last-Event-ID could not be resumed: refetch what is shown; the stream goes on from `cursor`. */
export interface ResetData {
  reason: 'INVALID_CURSOR';
  detail: string;
  cursor: string;
}

export const STREAM_EVENT_NAMES = { hello: 'hello', changed: 'case.changed', reset: 'reset' } as const;

export function helloEvent(position: FeedPosition, now: Date): MessageEvent {
  const cursor = feedCursor.encode(position);
  const data: HelloData = { serverTime: now.toISOString(), cursor };
  // Every event but heartbeats carries its id: an event without one would get a counter from Nest, and the
  // browser would send that back as Last-Event-ID.
  return { type: STREAM_EVENT_NAMES.hello, id: cursor, retry: STREAM_RETRY_MS, data };
}

export function caseChangedEvent(row: ChangeRow, position: FeedPosition): MessageEvent {
  // The stream carries what a screen needs to decide what to refetch, not the order and payload.
  const { orderId: _orderId, platformCaseId: _platformCaseId, payload: _payload, ...change } = toChange(row);
  const data: CaseChangedData = { ...change, assigneeId: row.assignee_id };
  return { type: STREAM_EVENT_NAMES.changed, id: feedCursor.encode(position), data };
}

export function resetEvent(position: FeedPosition, detail: string): MessageEvent {
  const cursor = feedCursor.encode(position);
  const data: ResetData = { reason: 'INVALID_CURSOR', detail, cursor };
  return { type: STREAM_EVENT_NAMES.reset, id: cursor, data };
}

/** A comment line: ignored by EventSource, keeps proxies from closing an idle connection. */
export const HEARTBEAT: MessageEvent = { comment: 'ping' };
