import type { CookieSerializeOptions } from '@nestjs/common';

/** The session cookie of the web console over plain HTTP (a laptop, a LAN address). */
export const SESSION_COOKIE = 'as_session';
/**
 * Over HTTPS: the `__Host-` prefix makes browsers accept the cookie only when it is `Secure`, has `Path=/`
 * and no `Domain`, so a sibling subdomain or a plain-HTTP page cannot plant or shadow it.
 */
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

interface RequestLike {
  protocol?: string;
  headers?: Record<string, string | string[] | undefined>;
}

export function isHttps(request: RequestLike): boolean {
  return request.protocol === 'https';
}

/** The cookie name in force for this request: each protocol reads and writes only its own. */
export function sessionCookieName(request: RequestLike): string {
  return isHttps(request) ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

/** HttpOnly (page scripts never see the token), SameSite=Strict (no cross-site request carries it), Path=/. */
export function sessionCookieOptions(request: RequestLike, maxAgeSeconds: number): CookieSerializeOptions {
  return { path: '/', httpOnly: true, sameSite: 'strict', secure: isHttps(request), maxAge: maxAgeSeconds };
}

/**
 * The session token the browser sent in its cookie, if any. Only the name of the request's protocol
 * counts: over HTTPS an unprefixed cookie (which anything on the site could have set) is ignored.
 */
export function sessionTokenFromCookie(request: RequestLike): string | undefined {
  const header = request.headers?.cookie;
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return undefined;
  const name = sessionCookieName(request);
  // RFC 6265 §5.4: pairs separated by `;`; browsers send the most specific path first, so the first one wins.
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== name) continue;
    const value = pair
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    return value === '' ? undefined : value;
  }
  return undefined;
}
