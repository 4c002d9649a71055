import { defineProblems } from '../platform/problem/problem.exception.js';

/**
 * Problems of buyer-facing replies. An unknown `{variable}` in a canned reply is not here: it is a
 * field error (400 VALIDATION_FAILED naming `body`) like any other invalid input.
 */
export const RepliesException = defineProblems('RepliesException', {
  REPLY_BLOCKED: { status: 422, title: 'The reply breaks the platform’s rules for messages to buyers' },
  GUARD_OVERRIDE_FORBIDDEN: { status: 403, title: 'Only a supervisor may send a reply the guard blocks' },
  CANNED_REPLY_NOT_FOUND: { status: 404, title: 'Canned reply not found' },
});
