// Chat over the mgw WebSocket (docs/grok-protocol.md "chat over the mgw WebSocket"): one socket per
// turn. The user id is looked up if the account has none; the handshake leaves through the
// account's route (its proxy tunnel, that proxy's clearance cookie and User-Agent); then
// session.create → wait for session.created and conversation.attached → item → response.create,
// a ping every 25 s, server events parsed into neutral events. We close the socket ourselves after
// response.done, on an error, on abort (client gone, watchdog), so no socket outlives its turn.
import type { Agent as HttpAgent } from 'node:http';
import { Socket } from 'node:net';
import WebSocket from 'ws';
import type { AbortLike } from '../cancellation.js';
import type { ChatEventSource, ChatStreamResult } from '../chat-client.js';
import type { ChatTurnInput, ChatTurnOpener, TurnOpenOptions } from '../chat-turn.js';
import { classifyHttpFailure, classifyTransportError, GrokUpstreamError } from '../errors.js';
import type { GrokEvent } from '../events.js';
import type { GrokHeaders } from '../headers.js';
import type { ChatStreamStats } from '../parse-chat-stream.js';
import type { Transport } from '../transport.js';
import { itemCreate, mgwUrlPrefix, newInitEventId, withUid, ping, responseCreate, sessionCreate } from './mgw-frames.js';
import { mgwHandshakeHeaders } from './mgw-headers.js';
import { KNOWN_HANDSHAKE_STATUSES, redactText, type DriftMonitor } from '../drift/index.js';
import { MgwEventParser, type MgwDriftProbe } from './mgw-events.js';
import { canonicalUserId, fetchSessionIdentity } from './session-identity.js';

export interface MgwChatClientOptions {
  /** `https://grok.com`: the socket URL and the session lookup derive from it. */
  baseUrl: string;
  /** Default (direct egress) headers: grok.user_agent + grok.cf_clearance. */
  headers: GrokHeaders;
  /** Default (direct) transport: the session lookup and the WebSocket agent when a call names no route. */
  transport: Transport;
  handshakeTimeoutMs: number;
  /** Session lookup time limit; default 15 s. */
  sessionTimeoutMs?: number | undefined;
  /** Heartbeat; default 25 s. */
  pingIntervalMs?: number | undefined;
  /** Largest server frame; default 16 MiB. */
  maxFrameBytes?: number | undefined;
  /** Protocol-drift checks of the server frames (src/grok/drift); none when absent. */
  drift?: DriftMonitor | undefined;
}

const UID_CACHE_MAX = 10_000;
/**
 * Drift probes kept, one per mode. The mode comes from the model registry (fast, auto, expert,
 * heavy, ...), so this is never reached in practice; the bound only keeps a registry with many
 * modes from growing the map without end.
 */
const PROBE_CACHE_MAX = 64;
/** Above this many undelivered events the socket is paused until the reader catches up. */
const HIGH_WATER = 512;

export class MgwChatClient implements ChatTurnOpener {
  /** Last known user id per token, for callers that do not persist it (the account record is the main cache). */
  private readonly uids = new Map<string, string>();
  /** Lookups in flight per token: concurrent first turns of one account share one request. */
  private readonly pending = new Map<string, Promise<string>>();
  /** Open sockets (tests and shutdown count them). */
  private readonly live = new Set<WebSocket>();
  /** `ws(s)://host/ws/mgw/?uid=`: the base URL is fixed for the client's life, parsed once. */
  private readonly urlPrefix: string;
  /**
   * The last handshake headers per token, for the route headers and uid they were made with: the
   * same on every turn of an account (ws copies them before adding its own), so not rebuilt per turn.
   */
  private readonly handshakes = new Map<string, { headers: GrokHeaders; uid: string; value: Record<string, string> }>();

  /** Drift probe per mode (see driftProbe). */
  private readonly probes = new Map<string, MgwDriftProbe>();

  constructor(private readonly opts: MgwChatClientOptions) {
    this.urlPrefix = mgwUrlPrefix(opts.baseUrl);
  }

  /** WebSockets this client has open right now. */
  get openSockets(): number {
    return this.live.size;
  }

  async openTurn(token: string, turn: ChatTurnInput, o: TurnOpenOptions = {}): Promise<ChatStreamResult> {
    const { signal } = o;
    if (signal?.aborted) throw signal.reason;
    const transport = o.route?.transport ?? this.opts.transport;
    const headers = o.route?.headers ?? this.opts.headers;
    let uid = canonicalUserId(turn.userId) ?? this.uids.get(token);
    const cached = uid !== undefined;
    if (uid === undefined) uid = await this.lookup(token, transport, headers, signal, o);
    try {
      return await this.turn(token, uid, turn, transport.webSocketAgent(), headers, signal);
    } catch (err) {
      // A refused handshake with a remembered uid may mean the uid is stale: look it up once more.
      if (!cached || signal?.aborted || !(err instanceof GrokUpstreamError) || err.kind !== 'invalid-credential') throw err;
      const fresh = await this.lookup(token, transport, headers, signal, o);
      if (fresh === uid) throw err;
      return await this.turn(token, fresh, turn, transport.webSocketAgent(), headers, signal);
    }
  }

  private async lookup(token: string, transport: Transport, headers: GrokHeaders, signal: AbortLike | undefined, o: TurnOpenOptions): Promise<string> {
    let p = this.pending.get(token);
    if (!p) {
      // Not tied to one caller's signal: another turn may be waiting on the same lookup.
      p = this.fetchUserId(token, transport, headers);
      this.pending.set(token, p);
      const settled = (): void => {
        if (this.pending.get(token) === p) this.pending.delete(token);
      };
      p.then(settled, settled);
    }
    const userId = await untilAborted(p, signal);
    o.onUserId?.(userId);
    return userId;
  }

  private async fetchUserId(token: string, transport: Transport, headers: GrokHeaders): Promise<string> {
    const id = await fetchSessionIdentity(token, {
      baseUrl: this.opts.baseUrl,
      transport,
      headers,
      timeoutMs: this.opts.sessionTimeoutMs ?? 15_000,
      drift: this.opts.drift,
    });
    if (this.uids.size >= UID_CACHE_MAX) this.uids.clear();
    this.uids.set(token, id.userId);
    return id.userId;
  }

  /** The drift probe for turns of one mode (a handful of modes: made once each, not per turn). */
  private driftProbe(mode: string): MgwDriftProbe | undefined {
    const monitor = this.opts.drift;
    if (monitor === undefined) return undefined;
    let probe = this.probes.get(mode);
    if (probe === undefined) {
      probe = { monitor, context: { source: 'mgw', model: mode } };
      if (this.probes.size >= PROBE_CACHE_MAX) this.probes.clear();
      this.probes.set(mode, probe);
    }
    return probe;
  }

  private handshakeHeaders(headers: GrokHeaders, token: string, uid: string): Record<string, string> {
    const hit = this.handshakes.get(token);
    if (hit !== undefined && hit.headers === headers && hit.uid === uid) return hit.value;
    const value = mgwHandshakeHeaders(headers, token, uid);
    if (this.handshakes.size >= UID_CACHE_MAX) this.handshakes.clear();
    this.handshakes.set(token, { headers, uid, value });
    return value;
  }

  private turn(token: string, uid: string, turn: ChatTurnInput, agent: HttpAgent | undefined, headers: GrokHeaders, signal: AbortLike | undefined): Promise<ChatStreamResult> {
    const ws = new WebSocket(withUid(this.urlPrefix, uid), {
      headers: this.handshakeHeaders(headers, token, uid),
      handshakeTimeout: this.opts.handshakeTimeoutMs,
      maxPayload: this.opts.maxFrameBytes ?? 16 * 1024 * 1024,
      perMessageDeflate: false,
      followRedirects: false,
      ...(agent ? { agent } : {}),
    });
    this.live.add(ws);
    ws.once('close', () => this.live.delete(ws));
    const t = new MgwTurn(ws, turn, signal, this.opts.pingIntervalMs ?? 25_000, this.driftProbe(turn.mode));
    return t.opened;
  }
}

/**
 * The TCP/TLS socket under an open `ws` client, when this ws version exposes it as `_socket` (it
 * has since v1; ws has no public cork). Undefined otherwise: the frames then simply go out one by one.
 */
function netSocketOf(ws: WebSocket): Socket | undefined {
  const s = (ws as unknown as { _socket?: unknown })._socket;
  return s instanceof Socket ? s : undefined;
}

/** `p`, or the signal's reason as soon as it aborts (the work behind `p` goes on for others). */
function untilAborted<T>(p: Promise<T>, signal: AbortLike | undefined): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/** One turn on one socket: the handshake promise, then the event source. */
class MgwTurn implements ChatEventSource {
  readonly opened: Promise<ChatStreamResult>;
  private resolveOpen!: (r: ChatStreamResult) => void;
  private rejectOpen!: (e: unknown) => void;
  private phase: 'connecting' | 'session' | 'streaming' | 'done' = 'connecting';
  private readonly parser: MgwEventParser;
  private readonly initEventId = newInitEventId();
  private queue: GrokEvent[] = [];
  private failure: unknown;
  private waiter: { resolve: (b: GrokEvent[] | undefined) => void; reject: (e: unknown) => void } | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private paused = false;
  private readonly stats: ChatStreamStats = { lines: 0, malformedLines: 0 };
  private readonly onAbort = (): void => this.abortNow();

  constructor(
    private readonly ws: WebSocket,
    private readonly turn: ChatTurnInput,
    private readonly signal: AbortLike | undefined,
    private readonly pingMs: number,
    drift?: MgwDriftProbe,
  ) {
    this.parser = new MgwEventParser(this.initEventId, turn.continuation?.conversationId, drift);
    this.opened = new Promise((resolve, reject) => {
      this.resolveOpen = resolve;
      this.rejectOpen = reject;
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
    ws.on('error', (err) => this.fail(classifyTransportError(err)));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 64 * 1024) chunks.push(c);
        size += c.length;
      });
      const done = (): void => {
        const status = res.statusCode ?? 0;
        if (drift && !KNOWN_HANDSHAKE_STATUSES.has(status)) {
          drift.monitor.report([{ kind: 'handshake-status', path: 'mgw handshake', type: String(status) }], drift.context, () => redactText(Buffer.concat(chunks).toString('utf8')));
        }
        const ra = res.headers['retry-after'];
        this.fail(classifyHttpFailure(res.statusCode ?? 502, Buffer.concat(chunks).toString('utf8'), Array.isArray(ra) ? ra[0] : ra));
      };
      res.once('end', done);
      res.once('error', done);
    });
    ws.once('open', () => this.onOpen());
    ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onFrame(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8'));
    });
    ws.once('close', () => {
      if (this.phase !== 'done') this.fail(new GrokUpstreamError({ kind: 'transport', status: 502, message: 'The mgw socket closed before the response completed' }));
    });
  }

  private send(frame: Record<string, unknown>): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    this.ws.send(JSON.stringify(frame), this.onSent);
  }

  /** One callback for every frame of the turn (not a closure per send). */
  private readonly onSent = (err?: Error | null): void => {
    if (err) this.fail(classifyTransportError(err));
  };

  private onOpen(): void {
    if (this.phase !== 'connecting') return;
    this.phase = 'session';
    const t = this.turn;
    this.send(sessionCreate(this.initEventId, {
      model: t.mode,
      temporary: t.temporary,
      disableMemory: t.disableMemory,
      imageGenerationCount: t.imageGenerationCount ?? 2,
      continuation: t.continuation,
    }));
    this.pingTimer = setInterval(() => this.send(ping(Date.now())), this.pingMs);
    this.pingTimer.unref();
  }

  private onFrame(text: string): void {
    if (this.phase === 'done' || this.phase === 'connecting') return;
    this.stats.lines++;
    let events: GrokEvent[];
    try {
      events = this.parser.parse(text);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.phase === 'session') {
      if (!this.parser.ready) return;
      this.phase = 'streaming';
      const stamp = Date.now();
      const sid = this.parser.sessionId ?? '';
      const t = this.turn;
      const personality = t.customPersonality ? `[system]\n${t.customPersonality}\n\n` : '';
      // The item and response.create leave back to back: one write to the kernel instead of two.
      const sock = netSocketOf(this.ws);
      sock?.cork();
      this.send(itemCreate(sid, stamp, personality + t.prompt, t.fileIds, t.continuation?.parentResponseId));
      this.send(responseCreate(sid, stamp));
      sock?.uncork();
      this.resolveOpen({ events: this, abort: () => this.abortNow(), status: 101, requestId: this.initEventId, stats: this.stats });
      return;
    }
    if (events.length > 0) this.deliver(events);
    if (this.parser.done) this.finish();
  }

  private deliver(events: GrokEvent[]): void {
    const w = this.waiter;
    if (w && this.queue.length === 0) {
      this.waiter = undefined;
      w.resolve(events);
      return;
    }
    for (const e of events) this.queue.push(e);
    if (!this.paused && this.queue.length > HIGH_WATER && this.phase === 'streaming') {
      this.paused = true;
      this.ws.pause();
    }
  }

  /** response.done: the turn is over; the socket is closed now (events already queued stay readable). */
  private finish(): void {
    this.phase = 'done';
    this.teardown();
    const w = this.waiter;
    if (w && this.queue.length === 0) {
      this.waiter = undefined;
      w.resolve(undefined);
    }
  }

  private fail(err: unknown): void {
    if (this.phase === 'done') return;
    const wasOpen = this.phase === 'streaming';
    this.phase = 'done';
    this.teardown();
    if (!wasOpen) {
      this.rejectOpen(this.signal?.aborted ? this.signal.reason : err);
      return;
    }
    this.failure = err;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.failure = undefined;
      w.reject(err);
    }
  }

  /** Caller abort (client gone, watchdog): close now; a pending read ends quietly or with the reason. */
  private abortNow(): void {
    if (this.phase === 'done') {
      this.queue = [];
      this.teardown();
      return;
    }
    const opening = this.phase !== 'streaming';
    this.phase = 'done';
    this.queue = [];
    this.teardown();
    if (opening) this.rejectOpen(this.signal?.aborted ? this.signal.reason : new Error('mgw turn aborted'));
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.resolve(undefined);
    }
  }

  private teardown(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    // Closed by us without waiting for a close handshake (the web app does the same).
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
  }

  nextBatch(): Promise<GrokEvent[] | undefined> {
    if (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      if (this.paused && this.ws.readyState === WebSocket.OPEN) {
        this.paused = false;
        this.ws.resume();
      }
      return Promise.resolve(batch);
    }
    if (this.failure !== undefined) {
      const err = this.failure;
      this.failure = undefined;
      return Promise.reject(err);
    }
    if (this.phase === 'done') return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<GrokEvent, undefined> {
    let batch: GrokEvent[] = [];
    let i = 0;
    return {
      next: async (): Promise<IteratorResult<GrokEvent, undefined>> => {
        while (i >= batch.length) {
          const more = await this.nextBatch();
          if (!more) return { done: true, value: undefined };
          batch = more;
          i = 0;
        }
        return { done: false, value: batch[i++] as GrokEvent };
      },
      return: (): Promise<IteratorResult<GrokEvent, undefined>> => {
        this.abortNow();
        return Promise.resolve({ done: true, value: undefined });
      },
    };
  }
}
