/**
 * A start of the embedded PostgreSQL that cannot go on for a reason the operator can fix (the data
 * folder is held by another server, the port is taken, a folder is out of reach). The message is one
 * line that says what is wrong and what to do; `main.ts` prints it without a stack trace.
 */
export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}
