// Client keys on the /v1 routes. Authentication runs in the /v1 scope's onRequest hook (before the
// body is read); the model allow-list and the limits run in its preHandler hook (the model is in
// the body). Both are callback hooks that finish synchronously on the file store (no promise, no
// microtask: the per-request cost is a Map lookup and a few counter updates), and wait for the
// store's atomic admission on Redis/MySQL.
import type { FastifyBaseLogger, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { OpenAIHttpError } from '../openai/index.js';
import { checkApiKey } from '../server/index.js';
import type { AdmitSpec, AdmitVerdict, ClientKeyRecord } from '../store/index.js';
import type { ClientKeyService } from './key-service.js';
import { KEY_SECRET_RE } from './key-secret.js';
import { rateLimitHeaders } from './rate-limit-headers.js';
import { utcWindows } from './utc-windows.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The client key that authenticated this /v1 request (undefined: a static key, or none). */
    clientKey: ClientKeyRecord | undefined;
  }
  interface FastifyContextConfig {
    /**
     * The model a requested name stands for on this route, for the allow-list (/v1/messages maps
     * claude-* names through its alias table): a key allowed that model may call the name.
     */
    keyModel?: (requested: string) => string | undefined;
  }
}

/** Matches no presented key (checkApiKey compares digests; nobody presents a NUL). */
const NO_STATIC_KEY: readonly string[] = ['\u0000'];

const invalidKey = (message: string): OpenAIHttpError => new OpenAIHttpError(401, message, { type: 'invalid_request_error', code: 'invalid_api_key' });

export function modelNotAllowed(model: string, mapped?: string): OpenAIHttpError {
  // 403 rather than OpenAI's 404 for unknown models: the model exists, this key may not use it,
  // and a client (or its operator) should be told so instead of hunting for a typo.
  const name = mapped !== undefined && mapped !== model ? `'${model}' (served by '${mapped}')` : `'${model}'`;
  return new OpenAIHttpError(403, `The model ${name} is not allowed for this API key`, { type: 'invalid_request_error', code: 'model_not_allowed', param: 'model' });
}

function presentedKey(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined;
  const x = request.headers['x-api-key'];
  return typeof x === 'string' ? x.trim() || undefined : undefined;
}

export class ClientKeyGate {
  constructor(private readonly keys: ClientKeyService) {}

  /** Whether the request's key may use `model` (static keys and the open gateway: every model). */
  allowsModel(request: FastifyRequest, model: string): boolean {
    const rec = request.clientKey;
    return rec === undefined || this.keys.allowsModel(rec, model);
  }

  /** True when client keys exist: then /v1 is never open, even with app.api_keys empty. */
  get active(): boolean {
    return this.keys.size > 0;
  }

  private accept(request: FastifyRequest, rec: ClientKeyRecord, done: HookHandlerDoneFunction): void {
    const why = this.keys.refusal(rec);
    if (why) {
      done(invalidKey(`This API key is ${why}: ${rec.masked}`));
      return;
    }
    request.clientKey = rec;
    request.call.apiKey = rec.name;
    // A client key's resources (video jobs, ...) belong to the key's id: stable, not secret.
    request.keyOwner = rec.id;
    done();
  }

  /** The onRequest part: a client key, else the static app.api_keys, else 401 (or open: none of either). */
  authenticate(request: FastifyRequest, staticKeys: readonly string[], done: HookHandlerDoneFunction): void {
    const presented = presentedKey(request);
    const rec = presented === undefined ? undefined : this.keys.lookup(presented);
    if (rec) {
      this.accept(request, rec, done);
      return;
    }
    if (!this.active && staticKeys.length === 0) {
      // No key of either kind known here: the gateway is open, unless the key presented is one
      // just made on another instance (then this instance must stop being open at once).
      if (presented !== undefined && KEY_SECRET_RE.test(presented)) {
        this.keys.lookupFresh(presented).then(
          (fresh) => (fresh ? this.accept(request, fresh, done) : this.staticKey(request, staticKeys, presented, done)),
          () => this.staticKey(request, staticKeys, presented, done),
        );
        return;
      }
      this.staticKey(request, staticKeys, presented, done);
      return;
    }
    let refused: Error | undefined;
    if (staticKeys.length > 0 || presented === undefined) refused = this.staticKey(request, staticKeys, presented, undefined);
    else refused = invalidKey('Incorrect API key provided');
    if (!refused) {
      done();
      return;
    }
    if (presented === undefined) {
      done(refused);
      return;
    }
    // Maybe a key just created on another instance: one early reload, then decide.
    const err = refused;
    this.keys.lookupFresh(presented).then(
      (fresh) => (fresh ? this.accept(request, fresh, done) : done(err)),
      () => done(err),
    );
  }

  /**
   * The static keys' check (app.api_keys; none and no client keys = open). With `done` it finishes
   * the hook; without, it returns the refusal (undefined = accepted).
   */
  private staticKey(request: FastifyRequest, staticKeys: readonly string[], presented: string | undefined, done: HookHandlerDoneFunction | undefined): Error | undefined {
    // With client keys but no static ones, an empty list would mean "open": a list no key matches instead.
    const list = staticKeys.length === 0 && this.active ? NO_STATIC_KEY : staticKeys;
    try {
      const match = checkApiKey(request.headers.authorization, presented, list);
      if (match) {
        request.call.apiKey = match.name;
        request.keyOwner = match.owner;
      }
      done?.();
      return undefined;
    } catch (err) {
      done?.(err as Error);
      return err as Error;
    }
  }

  /** The preHandler part: the model allow-list, then the limits (counted requests only). */
  admit(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
    const rec = request.clientKey;
    if (!rec) {
      done();
      return;
    }
    const body = request.body;
    const model = typeof body === 'object' && body !== null && typeof (body as { model?: unknown }).model === 'string' ? (body as { model: string }).model : undefined;
    if (rec.models.length > 0) {
      const mapped = model === undefined ? undefined : request.routeOptions.config.keyModel?.(model);
      // The name itself may be on the list; otherwise the model it maps to on this route must be.
      if (model !== undefined && !this.keys.allowsModel(rec, model) && (mapped === undefined || !this.keys.allowsModel(rec, mapped))) {
        done(modelNotAllowed(model, mapped));
        return;
      }
      if (model === undefined) this.guardModel(request, rec);
    }
    // Only calls that make the gateway work count (POSTs: chat, images, videos). Listing models or
    // polling a video job does not spend a client's requests.
    if (request.method !== 'POST') {
      done();
      return;
    }
    const spec = this.keys.admissionSpec(rec);
    let verdict: AdmitVerdict | Promise<AdmitVerdict>;
    try {
      verdict = this.keys.admit(rec, spec);
    } catch (err) {
      this.storeDown(request, err, done);
      return;
    }
    if (verdict instanceof Promise) {
      verdict.then(
        (v) => this.decide(request, reply, rec, spec, v, done),
        (err: unknown) => this.storeDown(request, err, done),
      );
    } else {
      this.decide(request, reply, rec, spec, verdict, done);
    }
  }

  /** The shared store is unreachable: serve (the key was valid in memory) rather than fail everyone. */
  private storeDown(request: FastifyRequest, err: unknown, done: HookHandlerDoneFunction): void {
    request.log.warn({ err }, 'client key limits unavailable (store down): request served unmetered');
    done();
  }

  private decide(request: FastifyRequest, reply: FastifyReply, rec: ClientKeyRecord, spec: AdmitSpec, v: AdmitVerdict, done: HookHandlerDoneFunction): void {
    const refused = this.refusalOf(rec, spec, v);
    if (refused) {
      done(refused);
      return;
    }
    if (v.ok) {
      const headers = rateLimitHeaders(rec.limits, v.counts, spec);
      for (const name in headers) void reply.header(name, headers[name]);
    }
    const started = spec.now;
    reply.raw.once('close', () => {
      const c = request.call;
      const status = c.status ?? (reply.raw.writableFinished ? reply.raw.statusCode : 499);
      this.finish(rec, started, c.model ?? '', status >= 400, c.promptTokens ?? 0, c.completionTokens ?? 0);
    });
    done();
  }

  /** The 401 (key gone meanwhile) or 429 a refused verdict amounts to; undefined when admitted. */
  private refusalOf(rec: ClientKeyRecord, spec: AdmitSpec, v: AdmitVerdict): OpenAIHttpError | undefined {
    if (v.ok) return undefined;
    if (v.reason === 'invalid') return invalidKey(`This API key is disabled, expired or deleted: ${rec.masked}`);
    const headers = rateLimitHeaders(rec.limits, v.counts, spec);
    const retryAfter = String(Math.max(1, Math.ceil(v.retryAfterMs / 1000)));
    return new OpenAIHttpError(429, `Rate limit reached for this API key: ${v.limit} (${String(rec.limits[v.limit])}); retry after ${retryAfter} s`, {
      type: 'rate_limit_error',
      code: 'rate_limit_exceeded',
      headers: { ...headers, 'retry-after': retryAfter },
    });
  }

  /** An admitted request ended: its concurrency slot back, its usage (tokens, errors) recorded. */
  private finish(rec: ClientKeyRecord, started: number, model: string, failed: boolean, tokensIn: number, tokensOut: number): void {
    this.keys.release(rec);
    this.keys.record(rec.id, { day: utcWindows(started).day, model, errors: failed ? 1 : 0, tokensIn, tokensOut });
  }

  /** Whether `rec` may use `model` (for callers outside the /v1 hooks, which hold the record, not the request). */
  keyAllowsModel(rec: ClientKeyRecord, model: string): boolean {
    return this.keys.allowsModel(rec, model);
  }

  /**
   * The limits for one counted request made outside the /v1 preHandler (an MCP tool call): the
   * same admission, refusals and usage as a /v1 POST. Throws /v1's 401/429; on admission resolves
   * to the function the caller must call once when the work ends (slot back, usage recorded).
   * An unreachable shared store serves unmetered, as on /v1.
   */
  async admitOne(rec: ClientKeyRecord, log: FastifyBaseLogger): Promise<(end: { model: string; failed: boolean; tokensIn: number; tokensOut: number }) => void> {
    const spec = this.keys.admissionSpec(rec);
    let v: AdmitVerdict;
    try {
      v = await this.keys.admit(rec, spec);
    } catch (err) {
      log.warn({ err }, 'client key limits unavailable (store down): request served unmetered');
      return () => undefined;
    }
    const refused = this.refusalOf(rec, spec, v);
    if (refused) throw refused;
    let ended = false;
    return (end) => {
      if (ended) return;
      ended = true;
      this.finish(rec, spec.now, end.model, end.failed, end.tokensIn, end.tokensOut);
    };
  }

  /**
   * A body the hook cannot read (multipart uploads are parsed by the route): the route names the
   * model on request.call once it has read it, and that assignment refuses a model off the list.
   */
  private guardModel(request: FastifyRequest, rec: ClientKeyRecord): void {
    const call = request.call;
    let value = call.model;
    Object.defineProperty(call, 'model', {
      enumerable: true,
      configurable: true,
      get: () => value,
      set: (m: string | undefined) => {
        if (m !== undefined && !this.keys.allowsModel(rec, m)) throw modelNotAllowed(m);
        value = m;
      },
    });
  }
}
