import multipart from '@fastify/multipart';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppOptions } from './app.module.js';
import { assignRequestId, createRootLogger, logRequests, NestPinoLogger, REQUEST_ID_HEADER } from './platform/logging.js';
import { createOpenApiDocument } from './platform/openapi/openapi-document.js';
import { useJsonBodyParser } from './platform/problem/json-body.js';
import { createValidationPipe } from './platform/problem/validation.js';
import { sendProblem } from './platform/problem/problem-details.filter.js';
import { registerSecurityHeaders } from './platform/security-headers.js';
import { enableCrossSiteProtection } from './platform/cross-site-protection.js';
import { serveConsole } from './console/console-static.js';

const routerLogger = new NestLogger('Router');

/** Builds the HTTP application exactly as it runs in production; tests call this too. */
export async function createApp(input: Omit<AppOptions, 'logger'> & { logger?: AppOptions['logger'] }): Promise<NestFastifyApplication> {
  const options: AppOptions = { ...input, logger: input.logger ?? createRootLogger(input.env.LOG_LEVEL) };
  const adapter = new FastifyAdapter({
    bodyLimit: options.env.BODY_LIMIT_BYTES,
    genReqId: assignRequestId,
    // The router refuses a URL it cannot decode (400) or an over-long path parameter (414) before any
    // hook or filter runs: answer those as problem details too.
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => sendProblem(error, request, reply, routerLogger),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(options), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new NestPinoLogger(options.logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  logRequests(fastify, options.logger);
  useJsonBodyParser(app, options.env.BODY_LIMIT_BYTES);

  await registerSecurityHeaders(app);
  // Limits are set per upload (see receiveUpload); files are streamed, never buffered whole.
  await app.register(multipart, { limits: { fileSize: options.env.EVIDENCE_MAX_BYTES, files: 1 } });
  app.useGlobalPipes(createValidationPipe());

  SwaggerModule.setup('docs', app, createOpenApiDocument(app), { jsonDocumentUrl: 'docs/json', yamlDocumentUrl: 'docs/yaml' });
  await serveConsole(app, options.env);
  enableCrossSiteProtection(app, options.env.CSRF_TRUSTED_ORIGINS);

  await app.init();
  await fastify.ready();
  return app;
}
