// Builds the Fastify app from its parts. No listen() here: tests inject or listen themselves.
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { tiersCanServe, type AccountSource } from '../accounts/index.js';
import type { DocumentStore } from '../store/index.js';
import { trustProxyOption, type AppConfig, type ModelRegistry } from '../config/index.js';
import type { ChatService } from '../gateway/index.js';
import {
  registerChatCompletions,
  registerResponses,
  ResponseStore,
  handleMediaChat,
  mediaApiDeps,
  registerMediaApi,
  type MediaServices,
  registerModels,
  OpenAIHttpError,
} from '../openai/index.js';
import { registerAnthropicMessages } from '../anthropic/index.js';
import { finishedCall, newCallContext, type CallListener } from '../calllog/index.js';
import {
  clip,
  MAX_ECHOED_PATH,
  httpTimeoutOptions,
  decorateKeyOwner,
  decorateCall,
  frameworkErrorHandler,
  installErrorHandlers,
  lazyChildLoggerFactory,
  type Inflight,
  applySecurityHeaders,
  registerHealth,
  type ReadinessReport,
  registerRootAliasScope,
  registerV1Scope,
  installOversizeBodyDrain,
} from '../server/index.js';
import { registerMediaRoutes } from '../media/index.js';
import { modelNotAllowed, type ClientKeyGate } from '../keys/index.js';
import { registerMcpScope } from '../mcp/index.js';
import { anthropicRouteSettingsFrom, bytesOfMb, chatRouteSettingsFrom, mediaApiSettingsFrom, responsesRouteSettingsFrom, responsesTtlMsFrom } from './settings.js';

export interface AppServices {
  /** Live configuration (settings changed at run time apply to the next request). */
  config: () => AppConfig;
  models: () => ModelRegistry;
  accounts: AccountSource;
  chat: ChatService;
  logger: Logger;
  /**
   * Writes the one line per call (absent = the request's logger). Its fields are all masked or
   * bounded already, so it may skip the redaction pass that every other line pays.
   */
  callLogger?: Logger;
  /** Extra readiness checks (storage, proxies) contributed by other parts. */
  readinessChecks?: Array<() => string | undefined>;
  /** Told about every finished call (call log, metrics). Must not throw or block. */
  callListeners?: CallListener[];
  /** Open SSE streams (metrics gauge; graceful shutdown waits for them). */
  streams?: Inflight;
  /** Images, edits, videos and the media cache (absent = those routes are not served). */
  media?: MediaServices;
  /** Where stored Responses API objects live (absent = POST /v1/responses and friends are not served). */
  documents?: DocumentStore;
  /** Client API keys with limits (src/keys); absent = only app.api_keys guard /v1. */
  clientKeys?: ClientKeyGate;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;
/** Routes whose requests write no call line (probes and scrapes). */
const UNLOGGED_ROUTES: ReadonlySet<string> = new Set(['/health', '/ready', '/metrics']);

export function readiness(services: AppServices): ReadinessReport {
  const accounts = services.accounts.summary();
  const reasons: string[] = [];
  if (accounts.total === 0) reasons.push('no SSO tokens configured (set GROK2API_SSO_TOKENS or add tokens in the admin console)');
  else if (accounts.active === 0) {
    reasons.push(`no usable account: ${accounts.cooling} cooling down, ${accounts.invalid} invalid, of ${accounts.total}`);
  }
  for (const check of services.readinessChecks ?? []) {
    const r = check();
    if (r) reasons.push(r);
  }
  return { ready: reasons.length === 0, reasons, accounts };
}

export async function buildServer(services: AppServices): Promise<FastifyInstance> {
  const cfg = services.config();
  // Widened to Fastify's logger type so plugins see the default instance type.
  const app: FastifyInstance = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    // Fastify's own per-request lines are replaced by our single 'call' line below.
    logController: new LogController({ disableRequestLogging: true }),
    // The per-request child logger is made only if the request logs (most never do).
    childLoggerFactory: lazyChildLoggerFactory,
    bodyLimit: bytesOfMb(cfg.server.body_limit_mb),
    trustProxy: trustProxyOption(cfg.server.trust_proxy),
    // Fastify's defaults, spelled out because access rules rely on them: one spelling of a route
    // matches it (case, duplicate and trailing slashes are other paths, hence 404s).
    routerOptions: { caseSensitive: true, ignoreDuplicateSlashes: false, ignoreTrailingSlash: false },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    // Bounds on receiving a request (headers, whole body) and on idle keep-alive; responses (long
    // streams) are bounded by the gateway's own watchdogs instead. See connection-limits.ts.
    ...httpTimeoutOptions(cfg.server),
    // While closing, requests on kept-alive connections get the 503 below (OpenAI's envelope).
    return503OnClosing: false,
    frameworkErrors: frameworkErrorHandler,
  });

  decorateCall(app);
  decorateKeyOwner(app);
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  installErrorHandlers(app);
  installOversizeBodyDrain(app, () => bytesOfMb(services.config().server.body_drain_limit_mb));

  // One synchronous onRequest hook for everything every request needs: each async hook costs a
  // promise and a microtask turn per request, and this runs on every call. Access decisions are
  // not made here: each scope's own hook makes them for the routes the router matched into it
  // (the /v1 scope below, the admin API, the metrics route), never from the raw URL text.
  app.addHook('onRequest', (request, reply, done) => {
    const started = Date.now();
    const q = request.url.indexOf('?');
    // Bounded: a client chooses this text, and it goes to the log line and the call log.
    const call = newCallContext(clip(q === -1 ? request.url : request.url.slice(0, q), MAX_ECHOED_PATH));
    request.call = call;
    void reply.header('x-request-id', request.id);
    // One line per call, written when the socket is done (covers hijacked SSE streams too).
    reply.raw.once('close', () => finishCall(request, reply, started));
    applySecurityHeaders(request, reply);
    if (closing) {
      // Fastify already set Connection: close on this response.
      call.status = 503;
      void reply.code(503).send(new OpenAIHttpError(503, 'The gateway is shutting down; retry on another instance', { code: 'shutting_down' }).toBody());
      return;
    }
    done();
  });

  function finishCall(request: FastifyRequest, reply: FastifyReply, started: number): void {
    const c = request.call;
    const route = request.is404 ? undefined : request.routeOptions.url;
    // By the matched route, not the text: probes and scrapes are not calls, however spelled.
    if (route !== undefined && UNLOGGED_ROUTES.has(route)) return;
    const status = c.status ?? (reply.raw.writableFinished ? reply.raw.statusCode : 499);
    const finished = finishedCall(c, request.id, request.method, route, started, status, Date.now() - started);
    if (services.config().log.requests) {
      const callLogger = services.callLogger;
      // One literal with every key, always in this order: a conditional spread here makes V8 build
      // the object through its slow per-property path (bench/results.md, "Micro-measurements").
      // pino leaves out undefined values, so reqId only appears when the request's own logger does
      // not carry it.
      (callLogger ?? request.log).info(
        {
          reqId: callLogger ? request.id : undefined,
          method: finished.method,
          endpoint: c.endpoint,
          model: c.model,
          path: c.path,
          stream: c.stream,
          account: c.account,
          proxy: c.proxy,
          attempts: c.attempts,
          status: finished.status,
          kind: c.kind,
          error: c.error,
          apiKey: c.apiKey,
          ttfbMs: c.firstByteMs,
          latencyMs: finished.latencyMs,
          promptTokens: c.promptTokens,
          completionTokens: c.completionTokens,
        },
        'call',
      );
    }
    for (const listener of services.callListeners ?? []) {
      try {
        listener(finished);
      } catch (err) {
        request.log.error({ err }, 'call listener failed');
      }
    }
  }

  registerHealth(app, () => readiness(services));
  const onStream = services.streams ? services.streams.enter.bind(services.streams) : undefined;
  const media = services.media ? mediaApiDeps(services.media, () => mediaApiSettingsFrom(services.config()), services.models, onStream) : undefined;
  // The cached media files (/images/<name>, /videos/<name>) are public links: outside the /v1 scope.
  if (media) registerMediaRoutes(app, media.cache, media.remote);
  // The text API (models, chat completions, responses): the same in /v1 and, for base URLs without
  // /v1, in the unprefixed alias scope (calllog/api-routes.ts ROOT_ALIAS_PATHS), behind the same key check.
  const registerTextApi = (scope: FastifyInstance): void => {
    const keys = services.clientKeys;
    registerModels(
      scope,
      services.models,
      keys ? { allowed: (request, id) => keys.allowsModel(request, id), refusal: modelNotAllowed } : undefined,
      (spec) => {
        const tiers = services.accounts.servingTiers?.();
        return tiers === undefined || tiersCanServe(tiers, spec.tier, spec.bucket);
      },
    );
    registerChatCompletions(scope, {
      ...(media ? { media: (request, reply, body, spec) => handleMediaChat(media, request, reply, body, spec) } : {}),
      chat: services.chat,
      models: services.models,
      settings: () => chatRouteSettingsFrom(services.config()),
      ...(services.streams ? { onStream: services.streams.enter.bind(services.streams) } : {}),
    });
    const documents = services.documents;
    if (documents) {
      registerResponses(scope, {
        chat: services.chat,
        models: services.models,
        responses: new ResponseStore(() => documents, () => responsesTtlMsFrom(services.config())),
        settings: () => responsesRouteSettingsFrom(services.config()),
        onStream,
      });
    }
  };
  await registerV1Scope(app, services.config, async (v1) => {
    registerTextApi(v1);
    if (media) await registerMediaApi(v1, media);
    registerAnthropicMessages(v1, {
      chat: services.chat,
      models: services.models,
      settings: () => anthropicRouteSettingsFrom(services.config()),
      ...(onStream ? { onStream } : {}),
    });
  }, services.clientKeys);
  // /mcp: the same tools over MCP (its own scope and key check, like /v1).
  await registerMcpScope(app, {
    config: services.config,
    clientKeys: services.clientKeys,
    deps: { chat: services.chat, models: services.models, media, onStream },
  });
  await registerRootAliasScope(app, services.config, registerTextApi, services.clientKeys);
  return app;
}
