import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, ApiSchema, getSchemaPath, type ApiResponseOptions, type SchemaObject } from '@nestjs/swagger';

/**
 * A cursor page of `item`: `items` and the `nextCursor` to pass back (null on the last page). Extend it
 * to name the page (`class CasePage extends PageOf(CaseViewDto) {}`): the subclass's name is the schema's.
 */
export function PageOf<T>(item: Type<T>) {
  class Page {
    @ApiProperty({ type: [item] })
    items: T[];

    @ApiProperty({ type: String, nullable: true, description: 'Pass back as `cursor` for the next page; null on the last page', example: null })
    nextCursor: string | null;
  }
  return Page;
}

/** The schema of a JSON response that is a list of `item` without pages. */
export function ListOf<T>(item: Type<T>) {
  class List {
    @ApiProperty({ type: [item] })
    items: T[];
  }
  return List;
}

/**
 * A 200 whose body is a file or a stream (ZIP, CSV, NDJSON, evidence bytes), one media type each:
 * `format: binary`, so generated clients read it as a blob instead of parsing JSON.
 */
export function ApiFileResponse(options: { description: string; types: string[]; headers?: ApiResponseOptions['headers'] }) {
  return ApiOkResponse({
    description: options.description,
    headers: options.headers,
    content: Object.fromEntries(options.types.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  });
}

/** A 200 that is JSON of `type` by default and CSV when the request says `Accept: text/csv`. */
export function ApiJsonOrCsvResponse(type: Type, example?: unknown) {
  return applyDecorators(
    ApiExtraModels(type),
    ApiOkResponse({
      description: 'JSON, or CSV when the request says `Accept: text/csv` (with a UTF-8 BOM when `bom=true`)',
      content: {
        'application/json': { schema: { $ref: getSchemaPath(type) }, ...(example === undefined ? {} : { example }) },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
  );
}

/**
 * A request body that is one of several classes told apart by the value of one property, as OpenAPI's
 * `oneOf` with a `discriminator`. Each branch is `variant` extended with that property as a one-value
 * enum, so the payload's fields are documented from the very classes that validate them.
 */
export function discriminatedUnion<K extends string>(
  propertyName: string,
  variants: Record<K, Type<object>>,
  options: { nameOf: (value: K) => string; describe?: (value: K) => string },
): { models: Type<object>[]; schema: SchemaObject } {
  const entries = (Object.entries(variants) as Array<[K, Type<object>]>).map(([value, variant]) => {
    const Branch = class extends variant {};
    ApiProperty({ enum: [value], description: `Always \`${value}\`` })(Branch.prototype, propertyName);
    ApiSchema({ name: options.nameOf(value), description: options.describe?.(value) })(Branch);
    return { value, Branch };
  });
  return {
    models: entries.map(({ Branch }) => Branch),
    schema: {
      oneOf: entries.map(({ Branch }) => ({ $ref: getSchemaPath(Branch) })),
      discriminator: { propertyName, mapping: Object.fromEntries(entries.map(({ value, Branch }) => [value, getSchemaPath(Branch)])) },
    },
  };
}
