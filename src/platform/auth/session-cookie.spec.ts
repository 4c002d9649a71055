import { SECURE_SESSION_COOKIE, SESSION_COOKIE, sessionCookieName, sessionCookieOptions, sessionTokenFromCookie } from './session-cookie.js';

const https = (cookie?: string) => ({ protocol: 'https', headers: cookie === undefined ? {} : { cookie } });
const http = (cookie?: string) => ({ protocol: 'http', headers: cookie === undefined ? {} : { cookie } });

describe('session cookie', () => {
  it('should be Secure and __Host- prefixed over HTTPS, plain over HTTP', () => {
    expect(sessionCookieName(https())).toBe('__Host-as_session');
    expect(sessionCookieOptions(https(), 3600)).toEqual({ path: '/', httpOnly: true, sameSite: 'strict', secure: true, maxAge: 3600 });
    expect(sessionCookieName(http())).toBe('as_session');
    expect(sessionCookieOptions(http(), 3600)).toMatchObject({ secure: false, httpOnly: true, sameSite: 'strict', path: '/' });
  });

  it('should read only the name of the request protocol', () => {
    const both = `${SESSION_COOKIE}=st_plain; ${SECURE_SESSION_COOKIE}=st_secure`;
    expect(sessionTokenFromCookie(https(both))).toBe('st_secure');
    expect(sessionTokenFromCookie(http(both))).toBe('st_plain');
    // Over HTTPS an unprefixed cookie could have been planted by a plain-HTTP page or a sibling domain.
    expect(sessionTokenFromCookie(https(`${SESSION_COOKIE}=st_plain`))).toBeUndefined();
  });

  it('should take the first of repeated names, ignore look-alikes, empty values and broken pairs', () => {
    expect(sessionTokenFromCookie(http('as_session=st_first; as_session=st_second'))).toBe('st_first');
    expect(sessionTokenFromCookie(http('xas_session=st_x; as_session_old=st_y'))).toBeUndefined();
    expect(sessionTokenFromCookie(http('as_session='))).toBeUndefined();
    expect(sessionTokenFromCookie(http('garbage; as_session="st_quoted"'))).toBe('st_quoted');
    expect(sessionTokenFromCookie(http())).toBeUndefined();
  });
});
