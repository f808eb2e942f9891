// The admin console at /manage: a static single-page app, bundled from web/ at build time
// (scripts/build-web.ts writes dist/public/manage/). The files are public (the login form must
// load); everything they show comes from /api, which needs a session. The strict CSP for /manage
// is set in security-headers.ts. The app routes with the URL hash (/manage/#/tokens), so a deep
// link always loads index.html and only real asset paths exist below /manage/.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { addConsoleCsp } from './security-headers.js';

export const CONSOLE_PREFIX = '/manage';

/** The built console next to this module: dist/public/manage from the build output or the source tree. */
export function findConsoleDir(): string | undefined {
  const candidates = [
    new URL('../../public/manage/', import.meta.url), // dist/src/server → dist/public/manage
    new URL('../../dist/public/manage/', import.meta.url), // src/server (tsx) → dist/public/manage
  ].map((u) => fileURLToPath(u));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

const NOT_BUILT =
  'The admin console is not built. Run "npm run build" (npm start does it) and restart; the admin API under /api works without it.\n';

/**
 * Serves the console from `root` (undefined or missing index.html: a 503 page that says how to
 * build it). Hashed asset names (app-XXXX.js) are cached for good; index.html is revalidated, so a
 * new build is picked up on the next load.
 */
export async function registerConsole(root: FastifyInstance, dir: string | undefined): Promise<void> {
  // One scope for the console's routes, so its hook (the CSP) reaches exactly them.
  await root.register(async (app) => registerConsoleRoutes(app, dir));
}

async function registerConsoleRoutes(app: FastifyInstance, root: string | undefined): Promise<void> {
  addConsoleCsp(app);
  // The app's pages live under /manage/ so relative links resolve; /manage alone redirects there.
  app.get(CONSOLE_PREFIX, async (request, reply) => {
    const q = request.url.indexOf('?');
    return reply.redirect(`${CONSOLE_PREFIX}/${q === -1 ? '' : request.url.slice(q)}`, 302);
  });
  if (root === undefined || !existsSync(join(root, 'index.html'))) {
    app.get(`${CONSOLE_PREFIX}/*`, async (_request, reply) => reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: `${CONSOLE_PREFIX}/`,
    index: ['index.html'],
    // Another static root elsewhere in the app must not clash with this one's reply.sendFile.
    decorateReply: false,
    // Only what the build wrote; no directory listings, no dotfiles.
    list: false,
    dotfiles: 'deny',
    etag: true,
    lastModified: true,
    // Cache-Control is ours (setHeaders below), not send's default max-age=0.
    cacheControl: false,
    setHeaders: (res, path) => {
      const immutable = /-[A-Z0-9]{8,}\.(js|css)$/i.test(path);
      res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
