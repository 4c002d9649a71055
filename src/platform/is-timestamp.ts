import { ValidateBy, type ValidationOptions } from 'class-validator';

/** RFC 3339 date-time with an explicit offset: `2026-11-02T09:00:00Z`, `2026-11-02T17:00:00.250+08:00`. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/i;

/**
 * The instants the service accepts, the same for every timestamp it reads. PostgreSQL and JavaScript both
 * hold far more, but a deadline is a timestamp plus a policy window (at most a few months), and the
 * sum must still be a date both sides write and read the same way: four-digit years, after the epoch.
 */
export const EARLIEST_TIMESTAMP = '1970-01-01T00:00:00Z';
export const LATEST_TIMESTAMP = '9000-01-01T00:00:00Z';
const EARLIEST_MS = Date.parse(EARLIEST_TIMESTAMP);
const LATEST_MS = Date.parse(LATEST_TIMESTAMP);
/** Real UTC offsets run from -12:00 to +14:00. */
const MAX_OFFSET_MINUTES = 14 * 60;

export function isTimestamp(value: unknown): value is string {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second = '0', , offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => part ?? undefined);
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  const instant = Date.parse(value as string);
  return (
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetMinutes) <= 59 &&
    Number(offsetHours) * 60 + Number(offsetMinutes) <= MAX_OFFSET_MINUTES &&
    instant >= EARLIEST_MS &&
    instant < LATEST_MS
  );
}

/**
 * A point in time as RFC 3339 with its offset, within the service's range. Stricter than ISO 8601 on
 * purpose: week dates, ordinal dates and times without an offset are valid ISO 8601 but either unreadable
 * by `Date` or ambiguous.
 */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) =>
          `${args?.property} must be an RFC 3339 date-time with offset (at most ±14:00) from ${EARLIEST_TIMESTAMP} to before ${LATEST_TIMESTAMP}, e.g. 2026-11-02T09:00:00Z`,
      },
    },
    options,
  );
}
