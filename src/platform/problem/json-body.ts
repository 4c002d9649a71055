import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { defineProblems } from './problem.exception.js';

export const BodyException = defineProblems('BodyException', {
  BODY_TOO_DEEP: { status: 400, title: 'The JSON body is nested too deeply' },
});

/** Deeper than any request of this API (an intake body is four levels deep) by a wide margin. */
export const MAX_JSON_DEPTH = 32;

/**
 * The nesting depth of a JSON text, counted without parsing it, stopping as soon as it passes `limit`.
 * Brackets inside strings do not count. Invalid JSON is left for the parser to refuse.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > limit) return true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    }
  }
  return false;
}

/**
 * Fastify's own JSON parser (with its prototype-poisoning checks), behind a depth limit. Everything that
 * walks a body afterwards (validation, class-transformer, the idempotency fingerprint, the audit chain's
 * canonical JSON) recurses; a body a few thousand levels deep would overflow the stack there, so it is
 * refused before it is parsed.
 */
export function useJsonBodyParser(app: NestFastifyApplication, bodyLimit: number): void {
  const fastify = app.getHttpAdapter().getInstance();
  const parse = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) {
      done(new BodyException('BODY_TOO_DEEP', `JSON bodies may be nested at most ${MAX_JSON_DEPTH} levels deep.`), undefined);
      return;
    }
    parse(request as Parameters<typeof parse>[0], text, done);
  });
}
