import { cursorCodec } from '../platform/cursor.js';
import type { QueuePosition } from './queue.repository.js';

/** The queue's keyset position (most urgent deadline, then the larger amount, then the id). */
const queueCursor = cursorCodec({ dueAt: 'timestamp-or-null', requestedAmount: 'safe-int', id: 'uuid' });

export function encodeQueueCursor(position: QueuePosition): string {
  return queueCursor.encode(position);
}

export function decodeQueueCursor(cursor: string | undefined): QueuePosition | undefined {
  return queueCursor.decode(cursor);
}
