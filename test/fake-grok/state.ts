// Everything one simulator instance shares between its routes and origins.

import type { IncomingMessage } from 'node:http';
import { AssetStore } from './asset-store.js';
import type { ErrorAnswer } from './auth.js';
import { checkSso, cloudflareChallenge, errorFor, sessionNotFound, ssoToken, statsigOk } from './auth.js';
import { copyHeaders, decodeBody } from './http-util.js';
import { parseMultipart } from './multipart.js';
import { TokenRegistry } from './token-registry.js';
import type { FakeGrokOptions, FakeTokenBehavior, RecordedRequest } from './types.js';

/** mgw conversations kept for load_existing (a real server keeps more; a simulator must not grow without bound). */
const MAX_CONVERSATIONS = 1000;

/** One answered mgw turn: what the client sent (directives included) and the answer text. */
export interface SimTurn {
  prompt: string;
  answer: string;
  responseId: string;
}

/** An mgw conversation as the server keeps it, so a `load_existing` turn sees the earlier turns. */
export interface SimConversation {
  token: string;
  lastResponseId: string | undefined;
  turns: SimTurn[];
}

export type GateResult = { ok: true; token: string; behavior: FakeTokenBehavior } | { ok: false; answer: ErrorAnswer };

export class SimState {
  readonly tokens: TokenRegistry;
  readonly assets = new AssetStore();
  readonly requests: RecordedRequest[] = [];
  readonly tokenDelayMs: number;
  readonly requireStatsig: boolean;
  /** One controller per open stream; close() aborts them all. */
  readonly streams = new Set<AbortController>();
  readonly maxRecorded: number;
  /** Open mgw chat sockets (the no-leak tests count them). */
  readonly mgwSockets = new Set<{ terminate(): void }>();
  /** mgw conversations: id → the account (token) that owns it, its last response id and its turns. */
  readonly conversations = new Map<string, SimConversation>();
  /** Remembers a conversation; the oldest are forgotten past MAX_CONVERSATIONS (long benchmark runs). */
  rememberConversation(id: string, c: SimConversation): void {
    this.conversations.delete(id);
    this.conversations.set(id, c);
    if (this.conversations.size > MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next();
      if (oldest.done !== true) this.conversations.delete(oldest.value);
    }
  }

  /** Base URL of the assets origin, set once it listens (Imagine puts absolute image URLs in frames). */
  assetsUrl = '';
  /** Uploads v2 by fileMetadataId (and by uploadId): whose, and whether marked as an imagine input. */
  readonly uploads = new Map<string, { token: string; imagine: boolean; mimeType: string }>();
  /** Requests that sent x-statsig-id where the web app does not (uploads, WebSockets, downloads). */
  readonly statsigViolations: Array<{ method: string; path: string }> = [];

  constructor(opts: FakeGrokOptions) {
    this.tokens = new TokenRegistry(opts.tokens, opts.acceptAnyToken ?? false, opts.defaultQuota);
    this.maxRecorded = Math.max(1, opts.maxRecordedRequests ?? 10_000);
    this.tokenDelayMs = opts.tokenDelayMs ?? 0;
    this.requireStatsig = opts.requireStatsig ?? true;
  }

  record(req: IncomingMessage, body: Buffer | null, origin: 'app' | 'assets'): void {
    this.push({
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: copyHeaders(req),
      body: body === null ? undefined : recordedBody(req, body),
      token: ssoToken(req.headers),
      at: Date.now(),
      origin,
    });
  }

  /** Appends to the live `requests` array, dropping the oldest tenth when over the cap (long benchmark runs). */
  push(r: RecordedRequest): void {
    this.requests.push(r);
    if (this.requests.length > this.maxRecorded) {
      this.requests.splice(0, this.requests.length - this.maxRecorded + Math.ceil(this.maxRecorded / 10));
    }
  }

  /** Notes a request that carries x-statsig-id although the web app sends none on it. */
  noteStatsigMisuse(req: IncomingMessage): void {
    if (req.headers['x-statsig-id'] !== undefined) this.statsigViolations.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
  }

  /**
   * The grok.com gate: x-statsig-id (REST only; Cloudflare sits in front, so it is checked
   * first), then the SSO cookie, then the token's scripted status.
   */
  gate(req: IncomingMessage, o: { statsig: boolean; route?: string }): GateResult {
    if (o.statsig && this.requireStatsig && !statsigOk(req.headers)) return { ok: false, answer: cloudflareChallenge() };
    const auth = checkSso(req.headers, (t) => this.tokens.isKnown(t));
    if (!auth.ok) return { ok: false, answer: sessionNotFound() };
    const behavior = this.tokens.behavior(auth.token);
    // A rate-limited account can still read its (empty) windows, as on the real site.
    const quotaRead = o.route === 'rate-limits' && behavior.status === 429;
    if (behavior.status !== undefined && behavior.status !== 200 && !quotaRead) {
      return { ok: false, answer: errorFor(behavior.status, behavior.variant) };
    }
    return { ok: true, token: auth.token, behavior };
  }
}

/** A recorded multipart body as its parts ({name, filename, contentType, base64}); others as decodeBody does. */
function recordedBody(req: IncomingMessage, body: Buffer): unknown {
  const type = req.headers['content-type'];
  if (type === undefined || !/^multipart\/form-data/i.test(type)) return decodeBody(body);
  const form = parseMultipart(type, body);
  if (!form.ok) return decodeBody(body);
  return {
    multipart: form.parts.map((p) => ({ name: p.name, filename: p.rawFilename, contentType: p.contentType, base64: p.body.toString('base64') })),
  };
}
