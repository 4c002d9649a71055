import { PaginationException } from '../common/pagination.js';
import type { QueuePosition } from './queue.repository.js';

/** The queue's keyset position as an opaque cursor. */
export function encodeQueueCursor(position: QueuePosition): string {
  return Buffer.from(JSON.stringify([position.dueAt, position.requestedAmount, position.id]), 'utf8').toString('base64url');
}

export function decodeQueueCursor(cursor: string | undefined): QueuePosition | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [dueAt, requestedAmount, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const dueOk = dueAt === null || (typeof dueAt === 'string' && !Number.isNaN(Date.parse(dueAt)));
    if (dueOk && Number.isSafeInteger(requestedAmount) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
      return { dueAt, requestedAmount, id };
    }
  } catch {
    // fall through to the problem below
  }
  throw new PaginationException('INVALID_CURSOR', 'Pass back the nextCursor of a previous page unchanged.');
}
