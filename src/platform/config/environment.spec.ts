import { ConfigValidationError, Environment, loadEnvironment } from './environment.js';

describe(loadEnvironment.name, () => {
  it('should give the embedded defaults for an empty environment', () => {
    const env = loadEnvironment({});
    expect(env).toBeInstanceOf(Environment);
    expect(env).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATA_DIR: './.data', MIGRATIONS_RUN: true, EMBEDDED_PG_PORT: 54329, LOG_LEVEL: 'info' });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('should convert numbers and booleans from strings', () => {
    const env = loadEnvironment({ PORT: '8080', MIGRATIONS_RUN: 'false', DB_POOL_SIZE: '20', SESSION_TTL_HOURS: '8' });
    expect(env).toMatchObject({ PORT: 8080, MIGRATIONS_RUN: false, DB_POOL_SIZE: 20, SESSION_TTL_HOURS: 8 });
  });

  it('should list every problem in one error', () => {
    let error: unknown;
    try {
      loadEnvironment({ PORT: 'eighty', MIGRATIONS_RUN: 'maybe', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', ADMIN_TOKEN: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');
    for (const variable of ['PORT', 'MIGRATIONS_RUN', 'LOG_LEVEL', 'DATABASE_URL', 'ADMIN_TOKEN']) {
      expect(problems).toContain(variable);
    }
    expect((error as Error).message.split('\n')[0]).toBe('Invalid configuration:');
  });

  it('should require ADMIN_TOKEN with an external database', () => {
    expect(() => loadEnvironment({ DATABASE_URL: 'postgres://u:p@db:5432/app' })).toThrow(/ADMIN_TOKEN is required with DATABASE_URL/);
    expect(loadEnvironment({ DATABASE_URL: 'postgres://u:p@db:5432/app', ADMIN_TOKEN: 'x'.repeat(32) }).DATABASE_URL).toBe('postgres://u:p@db:5432/app');
  });

  it('should treat a blank DATABASE_URL as unset', () => {
    expect(loadEnvironment({ DATABASE_URL: '  ' }).DATABASE_URL).toBeUndefined();
  });

  it('should refuse a port out of range', () => {
    expect(() => loadEnvironment({ PORT: '70000' })).toThrow(/PORT/);
  });

  it('should read the console settings: trusted origins as a list, stream timings, an optional console folder', () => {
    const defaults = loadEnvironment({});
    expect(defaults).toMatchObject({ CSRF_TRUSTED_ORIGINS: [], STREAM_POLL_INTERVAL_MS: 1000, STREAM_HEARTBEAT_MS: 20_000 });
    expect(defaults.CONSOLE_DIR).toBeUndefined();
    const set = loadEnvironment({ CSRF_TRUSTED_ORIGINS: 'https://console.shop.example, http://10.0.0.5:3000', CONSOLE_DIR: '/srv/console' });
    expect(set.CSRF_TRUSTED_ORIGINS).toEqual(['https://console.shop.example', 'http://10.0.0.5:3000']);
    expect(set.CONSOLE_DIR).toBe('/srv/console');
    expect(() => loadEnvironment({ CSRF_TRUSTED_ORIGINS: 'https://console.shop.example/path' })).toThrow(/CSRF_TRUSTED_ORIGINS/);
    expect(() => loadEnvironment({ STREAM_POLL_INTERVAL_MS: '0' })).toThrow(/STREAM_POLL_INTERVAL_MS/);
  });
});
