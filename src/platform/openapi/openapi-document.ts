import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import {
  DECORATORS,
  DocumentBuilder,
  SwaggerModule,
  type OpenAPIObject,
  type OperationObject,
  type ParameterObject,
  type ResponseObject,
} from '@nestjs/swagger';
import { allowedCallers } from '../auth/access.decorator.js';
import type { Caller } from '../auth/principal.js';
import { PaginationException } from '../cursor.js';
import { IdempotencyException } from '../idempotency/idempotency.problems.js';
import { IDEMPOTENT_METADATA, type IdempotentOptions } from '../idempotency/idempotent.decorator.js';
import { CommonException } from '../problem/common.problems.js';
import { BodyException } from '../problem/json-body.js';
import { FrameworkProblems } from '../problem/problem-response.js';
import { ValidationProblem } from '../problem/validation.js';
import { declaredProblems, PROBLEM_SCHEMAS, problemResponse, problemsOf, type DocumentedProblem } from './api-problems.js';
import { API_TAGS } from './api-tags.js';
import { callersSentence, SECURITY_SCHEMES, securityOf } from './security-schemes.js';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const EVERY_CALLER: readonly Caller[] = ['admin', 'integration', 'agent', 'supervisor', 'auditor'];

/** A handler with the controller it belongs to: where the route's own metadata lives. */
interface Route {
  controller: Type;
  handler: Function;
}

/**
 * The served OpenAPI document: what @nestjs/swagger reads from the controllers and DTOs, completed from
 * the same metadata the guards and interceptors act on, so a new route cannot forget it:
 * - `security` from `@Allow` (the schemes of the caller kinds it admits; none for public routes);
 * - the problems every route of its kind can answer: 401/403 from `@Allow`; 400 from its parameters and
 *   body, with the router's 400/414 for path parameters and the body parsers' 400/413/415; 403
 *   CROSS_SITE_REQUEST for browser requests that change state (see enableCrossSiteProtection); the
 *   Idempotency-Key problems from `@Idempotent`; plus what it declares with `@ApiProblems`. One
 *   `application/problem+json` response per status, listing its codes.
 */
export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('After-sales case manager')
    .setDescription(
      'Refund, return, exchange and complaint cases for e-commerce shops (Taobao, Tmall, Pinduoduo, JD, WeChat Shop). ' +
        'Money is in integer minor units (fen). Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; ' +
        'each operation lists the codes it can answer.',
    )
    .setVersion('1');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, { ...scheme });

  const document = SwaggerModule.createDocument(app, builder.build());
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...PROBLEM_SCHEMAS } };
  completeOperations(document, routesOf(app));
  return document;
}

/** Every route handler of the application by its operationId (explicit, or @nestjs/swagger's default). */
function routesOf(app: INestApplication): Map<string, Route> {
  const scanner = new MetadataScanner();
  const routes = new Map<string, Route>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = controller.prototype[name] as Function;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        const operationId: string = Reflect.getMetadata(DECORATORS.API_OPERATION, handler)?.operationId ?? `${controller.name}_${name}`;
        if (routes.has(operationId)) throw new Error(`Two routes have the operationId ${operationId}`);
        routes.set(operationId, { controller, handler });
      }
    }
  }
  return routes;
}

function completeOperations(document: OpenAPIObject, routes: Map<string, Route>): void {
  const reflector = new Reflector();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = operation.operationId ? routes.get(operation.operationId) : undefined;
      if (!route) throw new Error(`No route handler found for ${method.toUpperCase()} ${path} (operationId ${operation.operationId})`);
      const callers = allowedCallers(reflector, route.handler, route.controller);
      operation.security = securityOf(callers);
      operation.description = [operation.description, callersSentence(callers)].filter(Boolean).join('\n\n');
      const idempotent = Reflect.getMetadata(IDEMPOTENT_METADATA, route.handler) as IdempotentOptions | undefined;
      const problems = [
        ...accessProblems(callers),
        ...(method === 'get' ? [] : problemsOf(CommonException, 'CROSS_SITE_REQUEST')),
        ...inputProblems(operation),
        ...(idempotent && callers.includes('integration') ? idempotencyProblems(idempotent) : []),
        ...declaredProblems(route.controller),
        ...declaredProblems(route.handler),
      ];
      addProblemResponses(document, operation, problems, path);
      if (idempotent) markReplayable(operation);
    }
  }
}

function accessProblems(callers: readonly Caller[]): DocumentedProblem[] {
  if (callers.includes('public')) return [];
  const everyone = EVERY_CALLER.every((caller) => callers.includes(caller));
  return problemsOf(CommonException, 'UNAUTHENTICATED', 'INVALID_CREDENTIALS', ...(everyone ? [] : (['FORBIDDEN'] as const)));
}

function inputProblems(operation: OperationObject): DocumentedProblem[] {
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  const content = (operation.requestBody as { content?: Record<string, unknown> } | undefined)?.content ?? {};
  const takesInput = operation.requestBody !== undefined || parameters.some((p) => p.in === 'path' || p.in === 'query');
  return [
    ...(takesInput ? problemsOf(ValidationProblem, 'VALIDATION_FAILED') : []),
    ...(parameters.some((p) => p.in === 'query' && p.name === 'cursor') ? problemsOf(PaginationException, 'INVALID_CURSOR') : []),
    // The router refuses a path parameter it cannot decode, or one over its length limit, before any guard.
    ...(parameters.some((p) => p.in === 'path') ? problemsOf(FrameworkProblems, 'MALFORMED_URL', 'URI_TOO_LONG') : []),
    // Fastify refuses a body in a media type it has no parser for before the route sees it.
    ...(operation.requestBody !== undefined ? problemsOf(FrameworkProblems, 'UNSUPPORTED_MEDIA_TYPE') : []),
    ...('application/json' in content
      ? [...problemsOf(FrameworkProblems, 'MALFORMED_JSON', 'PAYLOAD_TOO_LARGE'), ...problemsOf(BodyException, 'BODY_TOO_DEEP')]
      : []),
  ];
}

function idempotencyProblems(options: IdempotentOptions): DocumentedProblem[] {
  return problemsOf(
    IdempotencyException,
    ...(options.required ? (['IDEMPOTENCY_KEY_REQUIRED'] as const) : []),
    'IDEMPOTENCY_KEY_INVALID',
    'IDEMPOTENCY_KEY_IN_FLIGHT',
    'IDEMPOTENCY_KEY_REUSED',
  );
}

function addProblemResponses(document: OpenAPIObject, operation: OperationObject, problems: DocumentedProblem[], path: string): void {
  const byStatus = new Map<number, Map<string, DocumentedProblem>>();
  for (const problem of problems) {
    const codes = byStatus.get(problem.status) ?? new Map<string, DocumentedProblem>();
    codes.set(problem.code, problem);
    byStatus.set(problem.status, codes);
  }
  const instance = path.replace(/\{(\w+)\}/g, (_, name: string) => exampleOfParameter(operation, name));
  for (const status of [...byStatus.keys()].sort((a, b) => a - b)) {
    operation.responses[String(status)] = problemResponse(status, [...byStatus.get(status)!.values()], instance, fieldExampleOf(document, operation));
  }
}

/** The parameter's own example, else an id: most path parameters are UUIDs. */
function exampleOfParameter(operation: OperationObject, name: string): string {
  const parameter = (operation.parameters as ParameterObject[] | undefined)?.find((p) => p.in === 'path' && p.name === name);
  return parameter?.example ?? '0b7c2f0e-3b8f-4a53-9d54-2f1f1e9b7a10';
}

/** A field a VALIDATION_FAILED example can name: the body's first required field, else a path or query parameter. */
function fieldExampleOf(document: OpenAPIObject, operation: OperationObject): string {
  const body = (operation.requestBody as { content?: Record<string, { schema?: { $ref?: string } }> } | undefined)?.content?.['application/json']?.schema;
  const bodySchema = body?.$ref ? document.components?.schemas?.[body.$ref.split('/').pop()!] : undefined;
  const required = (bodySchema as { required?: string[] } | undefined)?.required?.[0];
  const parameters = (operation.parameters ?? []) as ParameterObject[];
  return required ?? (parameters.find((p) => p.in === 'path') ?? parameters.find((p) => p.in === 'query'))?.name ?? 'type';
}

/** A replayed response is the stored one, marked with this header. */
function markReplayable(operation: OperationObject): void {
  for (const [status, response] of Object.entries(operation.responses)) {
    if (!status.startsWith('2')) continue;
    const success = response as ResponseObject;
    success.headers = {
      ...success.headers,
      'Idempotent-Replayed': {
        description: '`true` when this is the stored response of an earlier request with the same Idempotency-Key',
        schema: { type: 'string', enum: ['true'] },
      },
    };
  }
}
