import { SetMetadata } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';

export const IDEMPOTENT_METADATA = 'idempotency:options';
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

export interface IdempotentOptions {
  /** Integration calls without a key are refused (400) instead of processed once. */
  required: boolean;
}

/**
 * Marks a mutating route as idempotent for integration callers (shop API keys): the same
 * `Idempotency-Key` with the same request replays the stored response. Agent calls are unaffected.
 */
export function Idempotent(options: IdempotentOptions = { required: false }) {
  return applyDecorators(
    SetMetadata(IDEMPOTENT_METADATA, options),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required,
      description:
        'Unique per operation (a UUID). Retrying with the same key and body replays the stored status and body; another body → 422; still in flight → 409. Kept at least 24 h.',
    }),
  );
}
