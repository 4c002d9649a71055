import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync, type ValidationError } from 'class-validator';
import { allowedTargetsProblems } from './target-allow-list.js';

export const EVIDENCE_STORAGES = ['local', 's3'] as const;
export type EvidenceStorageKind = (typeof EVIDENCE_STORAGES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
};
const blankToUndefined = ({ value }: { value: unknown }) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/**
 * Every environment variable the service reads. Validated once at boot: a bad or missing value stops
 * the start with one message listing every problem. Defaults are what a newcomer needs for
 * `npm start` on the embedded database. Keep docs/configuration.md in step with this class.
 */
export class Environment {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @Matches(/^[\w.:-]+$/, { message: 'HOST must be a host name or IP address' })
  HOST = '127.0.0.1';

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  @MinLength(1)
  DATA_DIR = './.data';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @Transform(toBool)
  @IsBoolean({ message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(200)
  DB_POOL_SIZE = 10;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(100)
  DB_CONNECT_RETRIES = 5;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters long' })
  ADMIN_TOKEN?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  SESSION_TTL_HOURS = 12;

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @Transform(toBool)
  @IsBoolean({ message: 'TIMER_SWEEPER_ENABLED must be true or false' })
  TIMER_SWEEPER_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(3_600_000)
  TIMER_SWEEP_INTERVAL_MS = 1000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10_000)
  TIMER_SWEEP_BATCH = 500;

  @Transform(toInt)
  @IsInt()
  @Min(24, { message: 'IDEMPOTENCY_TTL_HOURS must be at least 24' })
  @Max(24 * 90)
  IDEMPOTENCY_TTL_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60_000)
  IDEMPOTENCY_WAIT_MS = 5000;

  @Transform(toInt)
  @IsInt()
  @Min(5)
  @Max(3600)
  IDEMPOTENCY_LEASE_SECONDS = 60;

  @Transform(toBool)
  @IsBoolean({ message: 'WEBHOOK_DISPATCHER_ENABLED must be true or false' })
  WEBHOOK_DISPATCHER_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  WEBHOOK_POLL_INTERVAL_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  WEBHOOK_BATCH = 50;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  WEBHOOK_TIMEOUT_MS = 10_000;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 7)
  WEBHOOK_RETRY_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  WEBHOOK_RETRY_BASE_SECONDS = 10;

  /**
   * Webhook targets on a private network (CIDRs, host names, `*.sub.domain`), or `none`. `auto`: loopback
   * on the embedded database (the docs' local receiver), nothing with DATABASE_URL. See WebhookTargetPolicy.
   */
  @IsString()
  WEBHOOK_ALLOWED_TARGETS = 'auto';

  /** How long a replaced webhook secret keeps signing beside the new one. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(24 * 30)
  WEBHOOK_SECRET_OVERLAP_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_RETENTION_DAYS = 30;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  WEBHOOK_FAILED_RETENTION_DAYS = 90;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  DEADLINE_WARNING_LEAD_MINUTES = 360;

  /**
   * Origins (`scheme://host[:port]`, comma-separated) allowed to send state-changing browser requests besides
   * the service's own, e.g. the public origin when a proxy rewrites `Host`. See enableCsrfProtection.
   */
  @Transform(({ value }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : value,
  )
  @IsString({ each: true })
  @Matches(/^https?:\/\/[^/?#\s]+$/, { each: true, message: 'CSRF_TRUSTED_ORIGINS must list origins such as https://console.example.com' })
  CSRF_TRUSTED_ORIGINS: string[] = [];

  /** How often each shop's live-update reader (GET /v1/stream) reads the change feed. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(60_000)
  STREAM_POLL_INTERVAL_MS = 1000;

  /** How often an open live-update stream gets a comment line, so proxies and browsers keep it open. */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(300_000)
  STREAM_HEARTBEAT_MS = 20_000;

  /** The built console served at `/`; `dist/console` beside the compiled service when unset. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  CONSOLE_DIR?: string;

  @IsIn(EVIDENCE_STORAGES, { message: `EVIDENCE_STORAGE must be one of ${EVIDENCE_STORAGES.join(', ')}` })
  EVIDENCE_STORAGE: EvidenceStorageKind = 'local';

  /** Local store of evidence files (and, with S3, where uploads are spooled); `<DATA_DIR>/evidence` when unset. */
  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  EVIDENCE_DIR?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(2 * 1024 * 1024 * 1024)
  EVIDENCE_MAX_BYTES = 20 * 1024 * 1024;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'EVIDENCE_S3_BUCKET must be an S3 bucket name' })
  EVIDENCE_S3_BUCKET?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'EVIDENCE_S3_ENDPOINT must be an http(s) URL' })
  EVIDENCE_S3_ENDPOINT?: string;

  @IsString()
  @MinLength(1)
  EVIDENCE_S3_REGION = 'us-east-1';

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  EVIDENCE_S3_ACCESS_KEY_ID?: string;

  @Transform(blankToUndefined)
  @IsOptional()
  @IsString()
  EVIDENCE_S3_SECRET_ACCESS_KEY?: string;

  @Transform(toBool)
  @IsBoolean({ message: 'EVIDENCE_S3_FORCE_PATH_STYLE must be true or false' })
  EVIDENCE_S3_FORCE_PATH_STYLE = true;

  @IsString()
  EVIDENCE_S3_PREFIX = 'evidence/';

  /** How long a blob stored for an upload that was never recorded is kept before it is collected; longer than any upload takes. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(24 * 90)
  EVIDENCE_ORPHAN_GRACE_HOURS = 24;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(50_000)
  EXPORT_BATCH_ROWS = 2000;

  /** Memory for settled metric days decoded in this process (see SettledDaysCache); 0 keeps none. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(16 * 1024)
  METRICS_CACHE_MB = 64;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

/** Reads and validates the environment; throws one error that lists every problem. */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  const known = Object.keys(new Environment());
  const raw: Record<string, unknown> = {};
  const optional = [
    'DATABASE_URL',
    'ADMIN_TOKEN',
    'CONSOLE_DIR',
    'EVIDENCE_DIR',
    'EVIDENCE_S3_BUCKET',
    'EVIDENCE_S3_ENDPOINT',
    'EVIDENCE_S3_ACCESS_KEY_ID',
    'EVIDENCE_S3_SECRET_ACCESS_KEY',
  ];
  for (const key of [...known, ...optional]) {
    if (env[key] !== undefined) raw[key] = env[key];
  }
  const config = plainToInstance(Environment, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: true, forbidUnknownValues: true });
  const problems = flatten(errors);
  if (config.DATABASE_URL && !config.ADMIN_TOKEN) {
    problems.push('ADMIN_TOKEN is required with DATABASE_URL (it is only generated for the embedded database)');
  }
  if (config.EVIDENCE_STORAGE === 's3' && !config.EVIDENCE_S3_BUCKET) {
    problems.push('EVIDENCE_S3_BUCKET is required with EVIDENCE_STORAGE=s3');
  }
  if (typeof config.WEBHOOK_ALLOWED_TARGETS === 'string') problems.push(...allowedTargetsProblems(config.WEBHOOK_ALLOWED_TARGETS));
  if (config.WEBHOOK_FAILED_RETENTION_DAYS < config.WEBHOOK_RETENTION_DAYS) {
    problems.push('WEBHOOK_FAILED_RETENTION_DAYS must be at least WEBHOOK_RETENTION_DAYS (failed messages are kept at least as long)');
  }
  if (Boolean(config.EVIDENCE_S3_ACCESS_KEY_ID) !== Boolean(config.EVIDENCE_S3_SECRET_ACCESS_KEY)) {
    problems.push('EVIDENCE_S3_ACCESS_KEY_ID and EVIDENCE_S3_SECRET_ACCESS_KEY go together');
  }
  if (problems.length > 0) throw new ConfigValidationError(problems);
  return config;
}

/** Where evidence files are kept locally (the store itself, or the S3 upload spool). */
export function evidenceDirOf(env: Pick<Environment, 'EVIDENCE_DIR' | 'DATA_DIR'>): string {
  return env.EVIDENCE_DIR ?? `${env.DATA_DIR}/evidence`;
}

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => (message.startsWith(error.property) ? message : `${error.property}: ${message}`)),
  );
}
