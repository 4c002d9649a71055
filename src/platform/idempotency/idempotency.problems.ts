import { defineProblems } from '../problem/problem.exception.js';

export const IdempotencyException = defineProblems('IdempotencyException', {
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, title: 'This call needs an Idempotency-Key header' },
  IDEMPOTENCY_KEY_INVALID: { status: 400, title: 'The Idempotency-Key header is not valid' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The Idempotency-Key was used for a different request' },
  IDEMPOTENCY_KEY_IN_FLIGHT: { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
});
