// The imagine WebSocket (docs/grok-protocol.md, "Imagine WebSocket"): connect with the account's
// cookie (no statsig), send a reset and one request asking for exactly the images still wanted
// (`num_generations`), collect the round's slots (start_stage → image frames → completed) and close
// the socket: one round per socket. An image frame with `percentage_complete` < 100 is a preview,
// 100 or absent is final. When a round brings fewer than n, another round runs on a new socket for
// the rest. Per round a round timeout and an idle timeout (no frame at all) apply; what finished by
// then is kept.
// The handshake leaves through the request's route (its proxy tunnel, with that proxy's clearance
// cookie and User-Agent), else through the per-account egress, else directly with the defaults.
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import type { GrokRoute } from './chat-client.js';
import { classifyHttpFailure, classifyTransportError, GrokUpstreamError } from './errors.js';
import type { GrokHeaders } from './headers.js';
import type { WebSocketEgress } from './media-transport.js';

export interface ImagineClientOptions {
  wsUrl: string;
  /** Default handshake headers (direct egress: grok.user_agent + grok.cf_clearance). */
  headers: GrokHeaders;
  connectTimeoutMs: number;
  /** Per-account egress when a request names no route (MediaTransport.webSocket). */
  egress?: ((token: string) => WebSocketEgress) | undefined;
  /** Heartbeat ping interval; default 20 s. */
  pingIntervalMs?: number;
}

export interface ImagineRequest {
  prompt: string;
  /** 1:1, 2:3, 3:2, 9:16 or 16:9. */
  aspectRatio: string;
  /** The product: false for grok-imagine-image, true for the 2.0 / pro model. */
  enablePro: boolean;
  /** Images wanted (1-10): sent as num_generations. */
  n: number;
  /** `enable_nsfw` (image.nsfw). */
  nsfw: boolean;
  roundTimeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The retry attempt's egress; its transport's tunnel and headers are used for every handshake. */
  route?: GrokRoute | undefined;
  /** A preview (non-final) image of a slot arrived. */
  onPartial?: ((p: ImaginePartial) => void) | undefined;
  /** A slot's progress changed (0-100). `slot` counts across rounds. */
  onProgress?: ((p: { slot: number; percent: number }) => void) | undefined;
}

export interface ImaginePartial {
  slot: number;
  imageId: string;
  bytes: Buffer;
  mimeType: string;
  percent: number;
}

export interface ImagineImage {
  imageId: string;
  /** Where Grok serves it (absolute), when the frame said. */
  url: string | undefined;
  bytes: Buffer;
  mimeType: string;
  width: number | undefined;
  height: number | undefined;
}

export interface ImagineResult {
  images: ImagineImage[];
  /** Slots that completed with moderated: true. */
  moderated: number;
  rounds: number;
}

type Frame = Record<string, unknown>;
type Next = { kind: 'frame'; frame: Frame } | { kind: 'timeout' } | { kind: 'closed'; code: number };

/** The file name of an image URL without its extension (the slot id of last resort). */
const URL_NAME_RE = /\/([^/?#]+?)(?:\.[A-Za-z0-9]{1,5})?(?:$|[?#])/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Image type from the bytes' signature (JPEG/PNG/WebP); undefined when it is not one of them. */
function imageMime(b: Buffer): string | undefined {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

function decodeBlob(blob: string): Buffer {
  const comma = blob.startsWith('data:') ? blob.indexOf(',') : -1;
  return Buffer.from(comma === -1 ? blob : blob.slice(comma + 1), 'base64');
}

/** Classifies an `{"type":"error"}` frame. */
function frameError(f: Frame): GrokUpstreamError {
  const code = str(f.err_code) ?? 'error';
  const msg = str(f.err_msg) ?? str(f.message) ?? 'imagine error';
  const lower = `${code} ${msg}`.toLowerCase();
  if (lower.includes('rate') || lower.includes('too many') || lower.includes('429')) {
    return new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: `Imagine WebSocket error ${code}: ${msg}` });
  }
  return new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `Imagine WebSocket error ${code}: ${msg}` });
}

/** One open socket with a frame queue. */
class ImagineSocket {
  private readonly queue: Next[] = [];
  private waiter: ((n: Next) => void) | undefined;
  private ping: NodeJS.Timeout | undefined;
  closed = false;
  framesSeen = 0;

  constructor(private readonly ws: WebSocket, pingMs: number) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse((data as Buffer).toString('utf8'));
      } catch {
        return;
      }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        this.framesSeen++;
        this.push({ kind: 'frame', frame: parsed as Frame });
      }
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.stopPing();
      this.push({ kind: 'closed', code });
    });
    ws.on('error', () => {
      // 'close' follows and ends the round.
    });
    this.ping = setInterval(() => {
      if (ws.readyState === WebSocket.OPEN) ws.ping();
    }, pingMs);
    this.ping.unref();
  }

  private push(n: Next): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(n);
    } else this.queue.push(n);
  }

  next(timeoutMs: number, signal: AbortSignal | undefined): Promise<Next> {
    const queued = this.queue.shift();
    if (queued) {
      if (queued.kind === 'closed') this.queue.unshift(queued); // stays closed
      return Promise.resolve(queued);
    }
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => finish({ kind: 'timeout' }), Math.max(1, timeoutMs));
      const onAbort = (): void => {
        clearTimeout(t);
        this.waiter = undefined;
        reject(signal?.reason);
      };
      const finish = (n: Next): void => {
        clearTimeout(t);
        signal?.removeEventListener('abort', onAbort);
        if (this.waiter === finish) this.waiter = undefined;
        if (n.kind === 'closed') this.queue.unshift(n);
        resolve(n);
      };
      this.waiter = finish;
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  send(obj: unknown): boolean {
    if (this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(obj));
    return true;
  }

  private stopPing(): void {
    if (this.ping) clearInterval(this.ping);
    this.ping = undefined;
  }

  close(): void {
    this.stopPing();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      try {
        this.ws.close(1000);
      } catch {
        this.ws.terminate();
      }
    }
    // Do not wait for the close handshake of a server that may never answer it.
    const ws = this.ws;
    setTimeout(() => ws.terminate(), 2000).unref();
  }
}

interface Slot {
  index: number;
  id: string;
  done: boolean;
  moderated: boolean;
  last: { bytes: Buffer; mimeType: string; url: string | undefined; final: boolean } | undefined;
  width: number | undefined;
  height: number | undefined;
  percent: number;
}

interface RoundOutcome {
  images: ImagineImage[];
  moderated: number;
  /** The socket closed before any frame of this round came (stale socket): run the round again. */
  closedEarly: boolean;
  /** The round failed after some images were in; they are kept, no further round runs. */
  failure: GrokUpstreamError | undefined;
}

export class ImagineClient {
  constructor(private readonly opts: ImagineClientOptions) {}

  async generate(token: string, req: ImagineRequest): Promise<ImagineResult> {
    const images: ImagineImage[] = [];
    let moderated = 0;
    let rounds = 0;
    let reconnects = 0;
    let slotBase = 0;
    let sock: ImagineSocket | undefined;
    const maxRounds = 3;
    try {
      while (images.length < req.n && rounds < maxRounds) {
        req.signal?.throwIfAborted();
        // One round per socket (the web app never re-uses one).
        sock?.close();
        sock = await this.connect(token, req.route, req.signal);
        const r = await this.round(sock, req, req.n - images.length, slotBase);
        sock.close();
        sock = undefined;
        if (r.closedEarly && reconnects < 2) {
          reconnects++;
          continue;
        }
        rounds++;
        slotBase += 16;
        images.push(...r.images.slice(0, req.n - images.length));
        moderated += r.moderated;
        if (r.failure) {
          if (images.length === 0) throw r.failure;
          break;
        }
        if (r.images.length === 0) break; // nothing usable this round (moderated or empty): stop
      }
    } finally {
      sock?.close();
    }
    if (images.length === 0) {
      if (moderated > 0) {
        throw new GrokUpstreamError({
          kind: 'safety-refusal',
          status: 400,
          message: `Grok moderated every generated image (${moderated} of ${moderated})`,
        });
      }
      throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'The imagine WebSocket returned no image' });
    }
    return { images, moderated, rounds };
  }

  private egressFor(token: string, route: GrokRoute | undefined): WebSocketEgress | undefined {
    const t = route?.transport;
    if (t) return { agent: t.webSocketAgent(), headers: route.headers };
    return this.opts.egress?.(token);
  }

  private connect(token: string, route: GrokRoute | undefined, signal: AbortSignal | undefined): Promise<ImagineSocket> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const egress = this.egressFor(token, route);
      const agent = egress?.agent;
      const ws = new WebSocket(this.opts.wsUrl, {
        headers: (egress?.headers ?? this.opts.headers).ws(token),
        handshakeTimeout: this.opts.connectTimeoutMs,
        ...(agent ? { agent } : {}),
      });
      let settled = false;
      const onAbort = (): void => {
        ws.terminate();
        settle(() => reject(signal?.reason));
      };
      const settle = (f: () => void): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        f();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ws.once('open', () => settle(() => resolve(new ImagineSocket(ws, this.opts.pingIntervalMs ?? 20_000))));
      ws.once('unexpected-response', (_req, res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < 64 * 1024) chunks.push(c);
          size += c.length;
        });
        const done = (): void => {
          const retryAfter = res.headers['retry-after'];
          settle(() =>
            reject(classifyHttpFailure(res.statusCode ?? 502, Buffer.concat(chunks).toString('utf8'), Array.isArray(retryAfter) ? retryAfter[0] : retryAfter)),
          );
          ws.terminate();
        };
        res.once('end', done);
        res.once('error', done);
      });
      ws.on('error', (err) => settle(() => reject(classifyTransportError(err))));
    });
  }

  private async round(sock: ImagineSocket, req: ImagineRequest, needed: number, slotBase: number): Promise<RoundOutcome> {
    const requestId = `img_${randomBytes(16).toString('hex')}`;
    const framesBefore = sock.framesSeen;
    const sentReset = sock.send({ type: 'conversation.item.create', timestamp: Date.now(), item: { type: 'message', content: [{ type: 'reset' }] } });
    const sentRequest =
      sentReset &&
      sock.send({
        type: 'conversation.item.create',
        timestamp: Date.now(),
        item: {
          type: 'message',
          content: [
            {
              requestId,
              text: req.prompt,
              type: 'input_text',
              properties: {
                section_count: 0,
                is_kids_mode: false,
                enable_nsfw: req.nsfw,
                skip_upsampler: false,
                enable_side_by_side: true,
                is_initial: false,
                aspect_ratio: req.aspectRatio,
                enable_pro: req.enablePro,
                num_generations: needed,
              },
            },
          ],
        },
      });
    if (!sentRequest) return { images: [], moderated: 0, closedEarly: true, failure: undefined };

    const slots = new Map<string, Slot>();
    const deadline = Date.now() + req.roundTimeoutMs;
    const slotFor = (id: string): Slot => {
      let s = slots.get(id);
      if (!s) {
        s = { index: slotBase + slots.size, id, done: false, moderated: false, last: undefined, width: undefined, height: undefined, percent: 0 };
        slots.set(id, s);
      }
      return s;
    };
    const finals = (): Slot[] => [...slots.values()].filter((s) => !s.moderated && s.last?.final === true);
    // Done when enough finals are in, or when enough slots completed and each usable one has its final.
    const roundDone = (): boolean => {
      if (finals().length >= needed) return true;
      const completed = [...slots.values()].filter((s) => s.done);
      return completed.length >= needed && completed.every((s) => s.moderated || s.last?.final === true);
    };
    // Only finals are images; a slot that ended on a preview yields nothing (`_bestEffort` kept for the call sites).
    const outcome = (failure: GrokUpstreamError | undefined, _bestEffort: boolean): RoundOutcome => {
      const ready = finals();
      ready.sort((a, b) => a.index - b.index);
      return {
        images: ready.map((s) => ({
          imageId: s.id,
          url: s.last?.url,
          bytes: (s.last as NonNullable<Slot['last']>).bytes,
          mimeType: (s.last as NonNullable<Slot['last']>).mimeType,
          width: s.width,
          height: s.height,
        })),
        moderated: [...slots.values()].filter((s) => s.moderated).length,
        closedEarly: false,
        failure,
      };
    };

    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return this.timedOut(outcome, 'round', req.roundTimeoutMs);
      const next = await sock.next(Math.min(remaining, req.idleTimeoutMs), req.signal);
      if (next.kind === 'timeout') {
        return this.timedOut(outcome, Date.now() >= deadline ? 'round' : 'idle', Date.now() >= deadline ? req.roundTimeoutMs : req.idleTimeoutMs);
      }
      if (next.kind === 'closed') {
        if (sock.framesSeen === framesBefore) return { images: [], moderated: 0, closedEarly: true, failure: undefined };
        const o = outcome(undefined, true);
        if (o.images.length === 0 && o.moderated === 0) {
          return { ...o, failure: new GrokUpstreamError({ kind: 'transport', status: 502, message: `The imagine WebSocket closed (code ${next.code}) before any image was complete` }) };
        }
        return o;
      }
      const f = next.frame;
      const rid = str(f.request_id) ?? str(f.requestId);
      if (rid !== undefined && rid !== requestId) continue; // a late frame of an earlier round
      const type = str(f.type);
      if (type === 'error') {
        const err = frameError(f);
        const o = outcome(err, true);
        if (o.images.length === 0) throw err;
        return o;
      }
      if (type === 'json') {
        const id = str(f.image_id) ?? str(f.job_id) ?? str(f.id);
        if (id === undefined) continue;
        const s = slotFor(id);
        s.width ??= num(f.width);
        s.height ??= num(f.height);
        if (f.current_status === 'completed') {
          s.done = true;
          s.moderated = f.moderated === true;
          // A url/blob on the completed frame counts as the final when none came before.
          const blob = str(f.blob);
          const bytes = blob !== undefined && s.last?.final !== true ? decodeBlob(blob) : undefined;
          const mimeType = bytes ? imageMime(bytes) : undefined;
          if (!s.moderated && bytes && mimeType) s.last = { bytes, mimeType, url: str(f.url), final: true };
          if (!s.moderated && s.last?.final === true && s.percent !== 100) {
            s.percent = 100;
            req.onProgress?.({ slot: s.index, percent: 100 });
          }
        }
      } else if (type === 'image') {
        const url = str(f.url);
        const id = str(f.image_id) ?? str(f.job_id) ?? str(f.id) ?? (url ? URL_NAME_RE.exec(url)?.[1] : undefined);
        const blob = str(f.blob);
        if (id === undefined || blob === undefined) continue;
        const bytes = decodeBlob(blob);
        const mimeType = imageMime(bytes);
        if (mimeType === undefined) continue;
        const s = slotFor(id);
        s.width ??= num(f.width);
        s.height ??= num(f.height);
        // Below 100 = a preview; 100 or absent = the final image.
        const pct = num(f.percentage_complete) ?? 100;
        const final = pct >= 100;
        s.last = { bytes, mimeType, url, final };
        // A final image is the slot done (the round may end before its completed frame).
        const shown = final ? 100 : Math.max(10, Math.min(99, Math.round(pct)));
        if (shown !== s.percent) {
          s.percent = shown;
          req.onProgress?.({ slot: s.index, percent: shown });
        }
        if (!final) req.onPartial?.({ slot: s.index, imageId: id, bytes, mimeType, percent: pct });
      }
      if (roundDone()) return outcome(undefined, false);
    }
  }

  private timedOut(outcome: (f: GrokUpstreamError | undefined, bestEffort: boolean) => RoundOutcome, which: 'round' | 'idle', ms: number): RoundOutcome {
    const o = outcome(undefined, true);
    if (o.images.length > 0) return o;
    const setting = which === 'round' ? 'image.round_timeout' : 'image.idle_timeout';
    const what = which === 'round' ? `finished no image within ${Math.round(ms / 1000)}s` : `sent nothing for ${Math.round(ms / 1000)}s`;
    // Status 502: the retry layer tries another account (a stuck imagine session is per account).
    throw new GrokUpstreamError({ kind: 'timeout', status: 502, message: `The imagine WebSocket ${what} (${setting})` });
  }
}
