// The mgw chat WebSocket at /ws/mgw/?uid=<uuid> (docs/grok-protocol.md "chat over the mgw
// WebSocket"; its simulator guidance section): the upgrade checks the path, the SSO cookies
// (sso == sso-rw), uid == the token's user id (and the x-userid cookie, if present), and the
// token's fate, refusing with an HTTP answer before any upgrade. After it, the strict event order
// is enforced (session.create first; an item before session.created AND conversation.attached
// were sent is a protocol error), the turn is played from the same script as REST, and the
// conversation is remembered per account for load_existing. We never close after response.done:
// the client must (tests count the sockets left open).
//
// A continued turn (load_existing + parent_response_id, docs/grok-protocol.md §5.9) is answered
// with the conversation's earlier turns up to that parent in view, like a model that has the
// history: tool results are counted over the whole conversation and `[sim:tool-steps=N]` /
// `[sim:tool-variant=V]` written in an earlier turn still hold. Fault directives of earlier turns
// do not (each turn's faults are its own). An unknown conversation, another account's, or a
// parent response that is not one of the conversation's is refused with code 5 "not found".
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WebSocket, WebSocketServer } from 'ws';
import { errorFor, parseCookies, sessionNotFound, ssoToken } from './auth.js';
import { parseDirectives } from './directives.js';
import type { Step } from './frames.js';
import { isRecord, refuseUpgrade } from './http-util.js';
import { buildMgwScript, errorForStatus, mgwErrorEvent, mgwEvent, type MgwError } from './mgw-script.js';
import { mgwReplay, serveReplayImages, type MgwReplay } from './replay.js';
import type { ScriptContext } from './script-context.js';
import { simModelHash } from './script-context.js';
import type { SimState, SimTurn } from './state.js';
import { userIdFor } from './token-registry.js';
import type { FakeTokenBehavior } from './types.js';

export const MGW_WS_PATH = '/ws/mgw/';
const MODES = new Set(['fast', 'auto', 'expert', 'heavy']);

function uidMismatch(): { status: number; headers: Record<string, string>; body: string } {
  return {
    status: 401,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify({ error: { code: 16, message: 'unauthenticated: uid does not match the session user', details: [] } }),
  };
}

export function handleMgwUpgrade(state: SimState, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  state.record(req, null, 'app');
  const url = new URL(req.url ?? '/', 'http://sim');
  if (url.pathname !== MGW_WS_PATH) return refuseUpgrade(socket, errorFor(404));
  const cookies = parseCookies(req.headers.cookie);
  const sso = cookies.get('sso');
  // Both SSO cookies, equal (the web app sends the same value twice).
  if (sso === undefined || sso === '' || cookies.get('sso-rw') !== sso || !state.tokens.isKnown(sso)) return refuseUpgrade(socket, sessionNotFound());
  const behavior = state.tokens.behavior(sso);
  if (behavior.status !== undefined && behavior.status !== 200 && behavior.fateAt !== 'event') {
    return refuseUpgrade(socket, errorFor(behavior.status, behavior.variant));
  }
  const uid = url.searchParams.get('uid');
  const xUserId = cookies.get('x-userid');
  if (uid !== userIdFor(sso) || (xUserId !== undefined && xUserId !== uid)) return refuseUpgrade(socket, uidMismatch());
  wss.handleUpgrade(req, socket, head, (ws) => new MgwSession(state, ws, req, sso, behavior).start());
}

type Phase = 'new' | 'creating' | 'attached' | 'item' | 'responding';

class MgwSession {
  private phase: Phase = 'new';
  private sessionId = '';
  private mode = 'auto';
  private imageCount = 2;
  private prompt = '';
  /** Replay mode: the recorded frames this session answers with. */
  private replay: MgwReplay | undefined;
  /** Continued conversations: the earlier turns this one follows (up to its parent response). */
  private earlier: SimTurn[] = [];
  private continued = false;
  private readonly play = new AbortController();

  constructor(
    private readonly state: SimState,
    private readonly ws: WebSocket,
    private readonly req: IncomingMessage,
    private readonly token: string,
    private readonly behavior: FakeTokenBehavior,
  ) {}

  start(): void {
    this.state.mgwSockets.add(this.ws);
    this.ws.on('error', () => undefined);
    this.ws.on('close', () => {
      this.play.abort();
      this.state.mgwSockets.delete(this.ws);
    });
    this.ws.on('message', (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
  }

  private send(frame: Record<string, unknown>): boolean {
    if (this.ws.readyState !== this.ws.OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** A protocol violation: an error event, then the socket is closed. */
  private refuse(e: MgwError): void {
    this.send(mgwErrorEvent(this.sessionId, e));
    this.ws.close(1008, 'protocol error');
  }

  private onMessage(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text) as unknown;
    } catch {
      msg = text;
    }
    this.state.push({ method: 'WS', path: MGW_WS_PATH, headers: { ...this.req.headers }, body: msg, token: ssoToken(this.req.headers), at: Date.now(), origin: 'app' });
    const event = isRecord(msg) && isRecord(msg.event) ? msg.event : undefined;
    const type = typeof event?.type === 'string' ? event.type : '';
    if (type === 'ping') return;
    if (!event || !isRecord(msg)) return this.refuse({ code: 3, message: 'protocol error: expected a JSON frame {"event":{...}}' });
    switch (type) {
      case 'session.create':
        return this.onSessionCreate(msg, event);
      case 'conversation.item.create':
        return this.onItem(msg, event);
      case 'response.create':
        return this.onResponseCreate(msg);
      default:
        return undefined; // unknown client events are ignored
    }
  }

  private onSessionCreate(msg: Record<string, unknown>, event: Record<string, unknown>): void {
    if (this.phase !== 'new') return this.refuse({ code: 3, message: 'protocol error: session.create sent twice' });
    const session = isRecord(event.session) ? event.session : {};
    const model = typeof session.model === 'string' ? session.model : '';
    if (!MODES.has(model)) return this.refuse({ code: 3, message: `invalid model "${model}": expected fast, auto, expert or heavy` });
    this.mode = model;
    const xGrok = isRecord(session.x_grok) ? session.x_grok : {};
    const n = xGrok.image_generation_count;
    if (typeof n === 'number' && Number.isInteger(n)) this.imageCount = Math.min(4, Math.max(1, n));
    if (xGrok.load_existing === true) {
      const id = typeof xGrok.conversation_id === 'string' ? xGrok.conversation_id : '';
      const known = this.state.conversations.get(id);
      // Only the account that owns a conversation may re-open it.
      if (msg.session_id !== id || !known || known.token !== this.token) return this.refuse({ code: 5, message: 'conversation not found' });
      this.sessionId = id;
      this.continued = true;
    } else {
      this.sessionId = randomUUID();
    }
    const eventId = typeof event.event_id === 'string' ? event.event_id : undefined;
    if (this.behavior.replay !== undefined) return this.replayHandshake(this.behavior.replay, eventId);
    this.phase = 'creating';
    this.send(mgwEvent(this.sessionId, { type: 'session.created', ...(eventId ? { client_event_id: eventId } : {}) }));
    // A moment between the two: a client that sends its item without waiting for both is caught.
    setTimeout(() => {
      if (this.phase !== 'creating') return;
      if (this.send(mgwEvent(this.sessionId, { type: 'conversation.attached', conversation: { id: this.sessionId } }))) this.phase = 'attached';
    }, 5).unref();
  }

  /** Replay mode: the recorded handshake frames, verbatim but for the client's event id. */
  private replayHandshake(file: string, eventId: string | undefined): void {
    this.replay = mgwReplay(file, eventId);
    serveReplayImages(file, this.state.assets);
    this.sessionId = this.replay.sessionId;
    for (const line of this.replay.handshake) if (this.ws.readyState === this.ws.OPEN) this.ws.send(line);
    this.phase = 'attached';
  }

  private onItem(msg: Record<string, unknown>, event: Record<string, unknown>): void {
    if (this.phase !== 'attached') {
      return this.refuse({ code: 3, message: 'protocol error: conversation.item.create before session.created and conversation.attached' });
    }
    if (msg.session_id !== this.sessionId) return this.refuse({ code: 3, message: 'protocol error: session_id does not match the session' });
    const item = isRecord(event.item) ? event.item : {};
    const chunks = isRecord(item.x_grok) && Array.isArray(item.x_grok.input_chunks) ? item.x_grok.input_chunks : [];
    const last: unknown = chunks[chunks.length - 1];
    const text = isRecord(last) && isRecord(last.text) && typeof last.text.text === 'string' ? last.text.text : undefined;
    if (text === undefined) return this.refuse({ code: 3, message: 'invalid input_chunks: expected a text chunk last' });
    const mentions = chunks.slice(0, -1).map((c) => (isRecord(c) && isRecord(c.mention) && isRecord(c.mention.target) && isRecord(c.mention.target.file_mention) ? c.mention.target.file_mention.file_id : undefined));
    const ids = JSON.stringify(mentions);
    if (mentions.length > 0 && (JSON.stringify(item.file_attachment_ids) !== ids || JSON.stringify(event.file_attachment_ids) !== ids)) {
      return this.refuse({ code: 3, message: 'file_attachment_ids must list the mentioned files, in item and event' });
    }
    if (this.continued) {
      const known = this.state.conversations.get(this.sessionId);
      const turns = known?.turns ?? [];
      const parent = event.parent_response_id;
      // Without a parent the turn follows the last answer; with one, that answer (a branch).
      const at = parent === undefined ? turns.length - 1 : turns.findIndex((t) => t.responseId === parent);
      if (parent !== undefined && at < 0) return this.refuse({ code: 5, message: 'parent response not found' });
      this.earlier = turns.slice(0, at + 1);
    }
    this.prompt = text;
    this.phase = 'item';
  }

  private onResponseCreate(msg: Record<string, unknown>): void {
    if (this.phase !== 'item') return this.refuse({ code: 3, message: 'protocol error: response.create before conversation.item.create' });
    if (msg.session_id !== this.sessionId) return this.refuse({ code: 3, message: 'protocol error: session_id does not match the session' });
    this.phase = 'responding';
    void this.respond();
  }

  private async respond(): Promise<void> {
    const { directives: d, text } = parseDirectives(this.prompt);
    const history = this.history();
    if (history !== undefined) {
      const h = parseDirectives(history.raw).directives;
      d.toolSteps ??= h.toolSteps;
      d.toolVariant ??= h.toolVariant;
    }
    const delayMs = d.delayMs ?? this.state.tokenDelayMs;
    const signal = this.play.signal;
    const fail = (e: MgwError): void => {
      this.send(mgwErrorEvent(this.sessionId, e));
    };
    if (d.stallStartMs !== undefined && !(await pause(d.stallStartMs, signal))) return;
    // The token's fate, met after the upgrade (fateAt: 'event').
    const b = this.behavior;
    if (b.status !== undefined && b.status !== 200) return fail(errorForStatus(b.status, b.variant));
    if (d.status) return fail(errorForStatus(d.status.code, d.status.variant));
    if (!this.state.tokens.consume(this.token, this.mode)) {
      // An empty window says when it refills (as the REST 429 does with Retry-After).
      const w = this.state.tokens.window(this.token, this.mode);
      const secs = w.resetAt === undefined ? w.windowSeconds : Math.max(1, Math.ceil((w.resetAt - Date.now()) / 1000));
      return fail({ code: 8, message: 'Too many requests', retry_after_seconds: secs });
    }
    if (this.replay) return this.playSteps(this.replay.answer, delayMs, signal);
    const responseId = randomUUID();
    const ctx: ScriptContext = {
      message: this.prompt, text, directives: d, mode: this.mode,
      model: `grok-4.20-${this.mode}`, modelHash: simModelHash(this.mode), heavy: this.mode === 'heavy',
      imageCount: this.imageCount, userId: userIdFor(this.token), assets: this.state.assets, body: {},
      history: history?.text,
    };
    const steps = buildMgwScript({ ctx, sessionId: this.sessionId, responseId, doneStatus: d.doneStatus, inBandRateLimit: b.inBandRateLimit });
    await this.playSteps(steps, delayMs, signal);
  }

  /** The earlier turns as the model would see them (`[assistant]` answers between the prompts). */
  private history(): { raw: string; text: string } | undefined {
    if (this.earlier.length === 0) return undefined;
    const raw = this.earlier.map((t) => `${t.prompt}\n\n[assistant]\n${t.answer}`).join('\n\n');
    return { raw, text: parseDirectives(raw).text };
  }

  private async playSteps(steps: Step[], delayMs: number, signal: AbortSignal): Promise<void> {
    let written = 0;
    let answer = '';
    for (const step of steps) {
      if (signal.aborted) return;
      if (step.kind === 'pause') {
        if (!(await pause(step.ms, signal))) return;
        continue;
      }
      if (step.kind === 'cut') {
        await pause(5, signal);
        this.ws.terminate(); // the TCP connection drops, no close frame
        return;
      }
      if (written > 0 && delayMs > 0 && !(await pause(delayMs, signal))) return;
      const value = step.kind === 'frame' ? step.value : step.text;
      if (step.kind === 'raw') {
        if (this.ws.readyState === this.ws.OPEN) this.ws.send(step.text);
      } else if (!this.send(value as Record<string, unknown>)) return;
      written++;
      const ev = step.kind === 'frame' && isRecord(step.value) && isRecord(step.value.event) ? step.value.event : undefined;
      const said = ev?.type === 'response.chunk' && isRecord(ev.chunk) && isRecord(ev.chunk.text) ? ev.chunk.text : undefined;
      if (said?.channel === 'CHANNEL_ASSISTANT_RESPONSE' && typeof said.text === 'string') answer += said.text;
      if (ev?.type === 'response.done' && isRecord(ev.response)) {
        const id = typeof ev.response.id === 'string' ? ev.response.id : undefined;
        const turns = id === undefined ? this.earlier : [...this.earlier, { prompt: this.prompt, answer, responseId: id }];
        this.state.rememberConversation(this.sessionId, { token: this.token, lastResponseId: id, turns });
      }
    }
  }
}

async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
