// The /v1 scope: one encapsulated Fastify plugin (prefix /v1) holding every OpenAI route. Its own
// onRequest hook adds CORS and demands the API key, so the key guards exactly the routes the
// router matched into this scope (and this scope's 404s), whatever spelling of the path got them
// there (`/%761/models` is routed here like `/v1/models`). Nothing decides from the raw URL text.
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { AppConfig } from '../config/index.js';
import type { ClientKeyGate } from '../keys/index.js';
import { checkApiKey } from './api-key-auth.js';
import { applyCors } from './cors.js';
import { notFound } from './error-handler.js';

export const V1_PREFIX = '/v1';

/**
 * Registers `routes` inside the /v1 scope. Synchronous hook on purpose: it runs on every API call
 * and an async one costs a promise and a microtask turn each time.
 */
export async function registerV1Scope(
  app: FastifyInstance,
  config: () => AppConfig,
  routes: (v1: FastifyInstance) => Promise<void> | void,
  /** Client keys (src/keys): authentication, model allow-lists and limits. */
  clientKeys?: ClientKeyGate,
): Promise<void> {
  await app.register(
    async (v1) => {
      installKeyCheck(v1, config, clientKeys);
      // Unknown /v1 paths (and preflights, which have no route) pass the hook above first: without
      // a key they get 401, as known ones do, so the key also hides which routes exist.
      v1.setNotFoundHandler(notFound);
      await routes(v1);
    },
    { prefix: V1_PREFIX },
  );
}

/**
 * The unprefixed aliases (calllog/api-routes.ts ROOT_ALIAS_PATHS) in their own encapsulated scope with the SAME key
 * check as /v1. `routes` must register only those paths; unknown root paths keep the app's 404.
 */
export async function registerRootAliasScope(
  app: FastifyInstance,
  config: () => AppConfig,
  routes: (scope: FastifyInstance) => Promise<void> | void,
  clientKeys?: ClientKeyGate,
): Promise<void> {
  await app.register(async (scope) => {
    installKeyCheck(scope, config, clientKeys);
    await routes(scope);
  });
}

/** CORS, the API key (client keys or app.api_keys) and, with client keys, their admission. */
function installKeyCheck(scope: FastifyInstance, config: () => AppConfig, clientKeys: ClientKeyGate | undefined): void {
  scope.decorateRequest('clientKey', undefined);
  scope.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const cfg = config();
    // A preflight is answered here, before the key: browsers send no credentials with it.
    if (applyCors(request, reply, cfg.server.cors_origins)) return;
    // Client keys and app.api_keys (src/keys/key-gate.ts); open only while neither exists.
    if (clientKeys) {
      clientKeys.authenticate(request, cfg.app.api_keys, done);
      return;
    }
    // Checked before the body is even parsed. With no key configured everyone is "anonymous".
    const xKey = request.headers['x-api-key'];
    try {
      const match = checkApiKey(request.headers.authorization, typeof xKey === 'string' ? xKey : undefined, cfg.app.api_keys);
      if (match) {
        request.call.apiKey = match.name;
        // Whose video jobs (and other stored objects) this request may see.
        request.keyOwner = match.owner;
      }
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  // After the body is parsed: a client key's model allow-list and limits (and its rate-limit headers).
  if (clientKeys) scope.addHook('preHandler', (request, reply, done) => clientKeys.admit(request, reply, done));
}
