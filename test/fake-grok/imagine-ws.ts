// The Imagine WebSocket (docs/grok-protocol.md §8.2, §17.6) at /ws/imagine/listen. Per request: for each
// slot a start_stage json frame, a small PNG preview, a JPEG final whose base64 blob exceeds
// 100 000 chars (F classifies finals by that), then completed. The socket stays open after a
// round (A probes for 2 s and may send another reset + request on the same socket).

import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocket, WebSocketServer } from 'ws';
import type { ErrorAnswer } from './auth.js';
import { errorFor, ssoToken } from './auth.js';
import { parseDirectives } from './directives.js';
import { isRecord } from './http-util.js';
import { makeJpeg, makePng } from './media-bytes.js';
import { imagineReplay } from './replay.js';
import type { SimState } from './state.js';

export const IMAGINE_WS_PATH = '/ws/imagine/listen';
/** Finals are padded to this many bytes: base64 ≈ 106 700 chars, above F's 100 000 threshold. */
const FINAL_JPEG_BYTES = 80_000;

const SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024], '2:3': [832, 1248], '3:2': [1248, 832], '9:16': [720, 1280], '16:9': [1280, 720],
};

const finals = new Map<number, string>();
/** Base64 of a padded JPEG per slot shade, computed once (benchmarks open many rounds). */
function finalBlob(slot: number): string {
  const grey = 40 + (slot % 6) * 40;
  let b = finals.get(grey);
  if (b === undefined) {
    b = makeJpeg(FINAL_JPEG_BYTES, grey).toString('base64');
    finals.set(grey, b);
  }
  return b;
}
const previewBlob = makePng(16, 24, [90, 120, 200]).toString('base64');

/** Writes an HTTP error on a socket that asked for an upgrade, then closes it. */
function rejectUpgrade(socket: Duplex, a: ErrorAnswer): void {
  const head = [`HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? 'Error'}`, 'Connection: close',
    `Content-Length: ${Buffer.byteLength(a.body)}`, ...Object.entries(a.headers).map(([k, v]) => `${k}: ${v}`)];
  socket.on('error', () => undefined);
  socket.end(`${head.join('\r\n')}\r\n\r\n${a.body}`);
}

export function handleUpgrade(state: SimState, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  state.record(req, null, 'app');
  state.noteStatsigMisuse(req);
  if ((req.url ?? '').split('?')[0] !== IMAGINE_WS_PATH) return rejectUpgrade(socket, errorFor(404));
  const gate = state.gate(req, { statsig: false, route: 'imagine-ws' });
  if (!gate.ok) return rejectUpgrade(socket, gate.answer);
  wss.handleUpgrade(req, socket, head, (ws) => new ImagineSession(state, ws, req).start());
}

interface RoundRequest {
  text: string;
  requestId: string;
  enablePro: boolean | undefined;
  aspectRatio: string;
  /** num_generations: the images asked for (undefined = the April client, which asked for none). */
  count: number | undefined;
}

/** What is wrong with a current-protocol request's properties, or undefined. */
function propertyProblem(c: Record<string, unknown>, props: Record<string, unknown>): string | undefined {
  if (typeof c.requestId !== 'string' || !/^img_[0-9a-f]{32}$/.test(c.requestId)) return 'requestId: expected img_ + 32 hex characters';
  const n = props.num_generations;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) return 'properties.num_generations: expected 1 to 10';
  if (typeof props.enable_nsfw !== 'boolean') return 'properties.enable_nsfw: expected a boolean';
  if (typeof props.enable_pro !== 'boolean') return 'properties.enable_pro: expected a boolean';
  return undefined;
}

/** The first content item of a `conversation.item.create` message. */
function contentOf(msg: unknown): Record<string, unknown> | undefined {
  if (!isRecord(msg) || msg.type !== 'conversation.item.create' || !isRecord(msg.item)) return undefined;
  const content = msg.item.content;
  return Array.isArray(content) && isRecord(content[0]) ? content[0] : undefined;
}

class ImagineSession {
  #round: AbortController | undefined;
  readonly #state: SimState;
  readonly #ws: WebSocket;
  readonly #req: IncomingMessage;

  constructor(state: SimState, ws: WebSocket, req: IncomingMessage) {
    this.#state = state;
    this.#ws = ws;
    this.#req = req;
  }

  start(): void {
    this.#ws.on('error', () => undefined);
    this.#ws.on('close', () => this.#round?.abort());
    this.#ws.on('message', (data, isBinary) => this.#onMessage(isBinary ? '' : data.toString()));
  }

  #onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      msg = text;
    }
    this.#state.push({
      method: 'WS', path: IMAGINE_WS_PATH, headers: { ...this.#req.headers }, body: msg,
      token: ssoToken(this.#req.headers), at: Date.now(), origin: 'app',
    });

    const c = contentOf(msg);
    if (c?.type === 'reset') {
      this.#round?.abort();
      return;
    }
    if (c === undefined || typeof c.text !== 'string') {
      this.#send({ type: 'error', err_code: 'invalid_request', err_msg: 'expected conversation.item.create with input_text' });
      return;
    }
    const props = isRecord(c.properties) ? c.properties : {};
    // A request naming num_generations speaks the current protocol: hold it to all of it.
    const problem = 'num_generations' in props ? propertyProblem(c, props) : undefined;
    if (problem !== undefined) {
      this.#send({ type: 'error', err_code: 'invalid_request', err_msg: problem });
      return;
    }
    this.#round?.abort();
    const round = new AbortController();
    this.#round = round;
    void this.#play({
      text: c.text,
      requestId: typeof c.requestId === 'string' ? c.requestId : randomUUID(),
      enablePro: typeof props.enable_pro === 'boolean' ? props.enable_pro : undefined,
      aspectRatio: typeof props.aspect_ratio === 'string' ? props.aspect_ratio : '2:3',
      count: typeof props.num_generations === 'number' ? props.num_generations : undefined,
    }, round.signal);
  }

  #send(frame: Record<string, unknown>): boolean {
    if (this.#ws.readyState !== this.#ws.OPEN) return false;
    this.#ws.send(JSON.stringify(frame));
    return true;
  }

  async #play(r: RoundRequest, signal: AbortSignal): Promise<void> {
    const { directives: d } = parseDirectives(r.text);
    const delay = d.slowMs ?? this.#state.tokenDelayMs;
    const replay = this.#state.tokens.behavior(ssoToken(this.#req.headers) ?? '').replay;
    if (replay !== undefined) {
      // Replay mode: the recorded frames, verbatim but for the request id they answer.
      for (const line of imagineReplay(replay, r.requestId)) {
        if (delay > 0 && !(await sleep(delay, true, { signal }).catch(() => false))) return;
        if (signal.aborted || this.#ws.readyState !== this.#ws.OPEN) return;
        this.#ws.send(line);
      }
      return;
    }
    const emit = async (frame: Record<string, unknown>): Promise<boolean> => {
      if (delay > 0) {
        try {
          await sleep(delay, undefined, { signal });
        } catch {
          return false;
        }
      }
      return !signal.aborted && this.#send(frame);
    };
    if (d.wsError) {
      await emit({ type: 'error', err_code: 'internal_error', err_msg: 'simulated imagine failure' });
      return;
    }
    // As many slots as asked (num_generations); the April client asked for none and got 4 (pro) or 6.
    const k = d.slots ?? r.count ?? (r.enablePro === false ? 6 : 4);
    const moderatedFrom = k - Math.min(k, d.moderated ?? 0);
    const [width, height] = SIZES[r.aspectRatio] ?? [832, 1248];
    const ids = Array.from({ length: k }, () => randomUUID());
    const common = (i: number): Record<string, unknown> => ({ image_id: ids[i], job_id: ids[i], order: i, request_id: r.requestId });
    const base = `${this.#state.assetsUrl}/imagine-public/images`;

    for (let i = 0; i < k; i++) {
      if (!(await emit({ type: 'json', current_status: 'start_stage', ...common(i), width, height }))) return;
    }
    for (let i = 0; i < k; i++) {
      const url = `${base}/${ids[i]}.png`;
      this.#state.assets.put(`imagine-public/images/${ids[i]}.png`, Buffer.from(previewBlob, 'base64'), 'image/png', true);
      if (!(await emit({ type: 'image', url, blob: previewBlob, percentage_complete: 50, ...common(i), width, height }))) return;
    }
    for (let i = 0; i < k; i++) {
      const moderated = i >= moderatedFrom;
      if (!moderated) {
        const blob = finalBlob(i);
        this.#state.assets.put(`imagine-public/images/${ids[i]}.jpg`, Buffer.from(blob, 'base64'), 'image/jpeg', true);
        const url = `${base}/${ids[i]}.jpg`;
        if (!(await emit({ type: 'image', url, blob, percentage_complete: 100, ...common(i), width, height }))) return;
      }
      if (!(await emit({ type: 'json', current_status: 'completed', ...common(i), moderated, r_rated: false }))) return;
    }
    if (d.wsClose && !signal.aborted) this.#ws.close(1000, 'round complete');
  }
}
