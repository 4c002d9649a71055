/**
 * Builds action forms from the served OpenAPI document, so a new machine event needs no console code:
 * the case-event request body is a `oneOf` (discriminated by `type`) of one component schema per event.
 */

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
  example?: unknown;
  nullable?: boolean;
};

export interface OpenApiDocument {
  paths?: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components?: { schemas?: Record<string, Schema> };
}

export type FieldKind = 'enum' | 'money' | 'integer' | 'number' | 'boolean' | 'text' | 'textarea';

export interface FieldSpec {
  /** Dotted path in the payload (`guardOverride.reason`). */
  name: string;
  kind: FieldKind;
  required: boolean;
  options?: string[];
  min?: number;
  max?: number;
  minLength?: number;
  maxLength?: number;
  description?: string;
  example?: unknown;
}

/** Fields the console renders itself rather than from the schema (the supervisor override sits by the send button). */
const HANDLED_ELSEWHERE = new Set(['type', 'guardOverride']);
const MONEY_NAME = /(^|\.)(amount|.*Amount|.*Total|price)$/;
const MONEY_TEXT = /minor units|fen|分/i;

function resolve(doc: OpenApiDocument, schema: Schema | undefined, depth = 0): Schema {
  if (!schema || depth > 8) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(doc, doc.components?.schemas?.[name], depth + 1);
  }
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => resolve(doc, part, depth + 1));
    return {
      ...schema,
      allOf: undefined,
      properties: Object.assign({}, ...parts.map((p) => p.properties ?? {}), schema.properties ?? {}),
      required: [...parts.flatMap((p) => p.required ?? []), ...(schema.required ?? [])],
    };
  }
  return schema;
}

function typeOf(schema: Schema): string | undefined {
  return Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
}

function fieldsOf(doc: OpenApiDocument, schema: Schema, prefix = ''): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([key, raw]): FieldSpec[] => {
    if (!prefix && HANDLED_ELSEWHERE.has(key)) return [];
    const property = resolve(doc, raw);
    const name = prefix ? `${prefix}.${key}` : key;
    const type = typeOf(property);
    const common = {
      name,
      required: required.has(key),
      description: property.description,
      example: property.example,
    };
    if (property.enum) return [{ ...common, kind: 'enum', options: property.enum.map(String) }];
    if (type === 'object' || property.properties) return fieldsOf(doc, property, name);
    if (type === 'integer' || type === 'number') {
      const money = type === 'integer' && (MONEY_NAME.test(name) || MONEY_TEXT.test(property.description ?? ''));
      return [{ ...common, kind: money ? 'money' : (type as 'integer' | 'number'), min: property.minimum, max: property.maximum }];
    }
    if (type === 'boolean') return [{ ...common, kind: 'boolean' }];
    const long = property.maxLength === undefined || property.maxLength > 200;
    return [{ ...common, kind: long ? 'textarea' : 'text', minLength: property.minLength, maxLength: property.maxLength }];
  });
}

function eventTypeOf(doc: OpenApiDocument, member: Schema, mapping: Record<string, string>): string | undefined {
  const byMapping = Object.entries(mapping).find(([, ref]) => ref === member.$ref)?.[0];
  if (byMapping) return byMapping;
  const typeProperty = resolve(doc, resolve(doc, member).properties?.type);
  if (typeProperty.const !== undefined) return String(typeProperty.const);
  if (typeProperty.enum?.length === 1) return String(typeProperty.enum[0]);
  return undefined;
}

/** The form fields of every event in the document's case-event body; empty when the document has no `oneOf` for it yet. */
export function eventFormsFrom(doc: OpenApiDocument, path = '/v1/cases/{caseId}/events'): Record<string, FieldSpec[]> {
  const body = resolve(doc, doc.paths?.[path]?.post?.requestBody?.content?.['application/json']?.schema);
  const members = body.oneOf ?? body.anyOf;
  if (!members) return {};
  const mapping = body.discriminator?.mapping ?? {};
  const forms: Record<string, FieldSpec[]> = {};
  for (const member of members) {
    const type = eventTypeOf(doc, member, mapping);
    if (type) forms[type] = fieldsOf(doc, resolve(doc, member));
  }
  return forms;
}

/** Sets a dotted path in a payload object. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    node[key] = (node[key] as Record<string, unknown> | undefined) ?? {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1)!] = value;
}
