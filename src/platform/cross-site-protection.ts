import { ForbiddenException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * Browsers may change state only from the service's own origin: Nest's built-in check (Go's
 * CrossOriginProtection) refuses a POST/PUT/PATCH/DELETE whose `Sec-Fetch-Site` says cross-site or
 * same-site, or, without that header, whose `Origin` does not match `Host`. Integrations and curl send
 * neither header and pass; so do reads. With the SameSite=Strict session cookie this is the second layer
 * that keeps another site from acting with an agent's console session.
 */
export function enableCrossSiteProtection(app: NestFastifyApplication, trustedOrigins: string[]): void {
  app.enableCsrfProtection({ trustedOrigins });
}

// The check's two refusals ("Cross-origin request detected from Sec-Fetch-Site header", "Cross-origin
// request detected, and/or browser is out of date: …"); nothing else in the service throws these.
const REFUSAL = /^Cross-origin request detected\b/;

/** Whether an error is the cross-site check's refusal (answered as the CROSS_SITE_REQUEST problem). */
export function isCrossSiteRefusal(error: unknown): error is ForbiddenException {
  return error instanceof ForbiddenException && REFUSAL.test(error.message);
}
