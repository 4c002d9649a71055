import { ValidateBy, type ValidationOptions } from 'class-validator';

/** RFC 3339 date-time with an explicit offset: `2026-11-02T09:00:00Z`, `2026-11-02T17:00:00.250+08:00`. */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

export function isTimestamp(value: unknown): value is string {
  const match = typeof value === 'string' ? RFC3339.exec(value) : null;
  if (!match) return false;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => part ?? undefined);
  const daysInMonth = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
  return (
    Number(month) >= 1 &&
    Number(month) <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 23 &&
    Number(offsetMinutes) <= 59 &&
    Number.isFinite(Date.parse(value as string))
  );
}

/**
 * A point in time as RFC 3339 with its offset. Stricter than ISO 8601 on purpose: week dates, ordinal
 * dates and times without an offset are valid ISO 8601 but either unreadable by `Date` or ambiguous.
 */
export function IsTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value) => isTimestamp(value),
        defaultMessage: (args) => `${args?.property} must be an RFC 3339 date-time with offset, e.g. 2026-11-02T09:00:00Z`,
      },
    },
    options,
  );
}
