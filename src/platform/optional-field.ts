import { IsOptional, ValidateIf, type ValidationOptions } from 'class-validator';

/**
 * A field the caller may leave out. Unlike class-validator's `@IsOptional()`, `null` is not "left out":
 * it is validated like any other value and refused by the field's own rules, so a `null` never reaches a
 * column that cannot hold it. Fields where `null` means something ("clear it", "no limit") say so with
 * `@NullableField()`.
 */
export function OptionalField(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined, options);
}

/** A field the caller may leave out or set to `null`, which the handler reads as a meaning of its own. */
export function NullableField(options?: ValidationOptions): PropertyDecorator {
  return IsOptional(options);
}
