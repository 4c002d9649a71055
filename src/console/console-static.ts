import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Environment } from '../platform/config/environment.js';

/** Vite's content-hashed build output: a new build gets new names, so browsers may keep these forever. */
export const ASSET_CACHE = 'public, max-age=31536000, immutable';
/** index.html and other unhashed files: always revalidated, so a new build is picked up at the next load. */
export const PAGE_CACHE = 'no-cache';

/**
 * Paths that are never console pages: the API, its documents, the health probes, and anything that looks
 * like a file. They keep their problem+json 404 instead of getting index.html (a missing asset answered
 * with HTML would fail in the browser with a confusing MIME error).
 */
const NOT_A_PAGE = /^\/(v1|docs|health)(\/|$)|\.[A-Za-z0-9]+$/;

/**
 * Where the built console is: CONSOLE_DIR, or `dist/console` beside the compiled service
 * (`dist/src/console/console-static.js` → `dist/console/`). Run from TypeScript sources (tests, tsx)
 * there is no build next to this file, so nothing is served unless CONSOLE_DIR says where.
 */
export function consoleDirOf(env: Pick<Environment, 'CONSOLE_DIR'>): string | undefined {
  if (env.CONSOLE_DIR) return resolve(env.CONSOLE_DIR);
  if (!import.meta.url.endsWith('.js')) return undefined;
  return fileURLToPath(new URL('../../console/', import.meta.url));
}

/** Whether the console has been built where the service looks for it. */
export function consoleIsBuilt(env: Pick<Environment, 'CONSOLE_DIR'>): boolean {
  const dir = consoleDirOf(env);
  return dir !== undefined && isBuiltConsole(dir);
}

function isBuiltConsole(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory() && existsSync(resolve(dir, 'index.html'));
}

/**
 * Serves the agents' web console at `/` when it has been built: its files, and index.html for every
 * other page path (deep links such as `/queue` or `/cases/…` are routes of the single-page app).
 * Registered after the API documents and before `app.init()`. Returns the folder served, if any.
 *
 * The folder's files are listed once, at start-up (`wildcard: false`): restart after a rebuild.
 */
export async function serveConsole(app: NestFastifyApplication, env: Pick<Environment, 'CONSOLE_DIR'>): Promise<string | undefined> {
  const dir = consoleDirOf(env);
  if (!dir || !isBuiltConsole(dir)) return undefined;

  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    decorateReply: true,
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? ASSET_CACHE : PAGE_CACHE);
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  const sendIndex = (request: FastifyRequest, reply: FastifyReply) =>
    NOT_A_PAGE.test(request.url.split('?')[0]) ? reply.callNotFound() : reply.header('cache-control', PAGE_CACHE).sendFile('index.html');
  fastify.get('/', sendIndex);
  fastify.get('/*', sendIndex);

  // Browsers ask for /favicon.ico on their own; the console ships an SVG icon, so point them to it.
  if (!existsSync(resolve(dir, 'favicon.ico')) && existsSync(resolve(dir, 'favicon.svg'))) {
    fastify.get('/favicon.ico', (_request, reply) => reply.header('cache-control', 'public, max-age=86400').redirect('/favicon.svg', 302));
  }
  return dir;
}
