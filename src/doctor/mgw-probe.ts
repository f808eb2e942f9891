// One mgw chat turn for `npm run doctor`, driven by hand so every server event name and its time
// can be shown: handshake (status), session.create → session.created + conversation.attached →
// item → response.create, then the events until response.done, an error event, the socket's end
// or the time limit. The frames are the gateway's own (docs/grok-protocol.md "chat over the mgw
// WebSocket"); only the bookkeeping differs from the real client.
import {
  checkMgwFrame,
  redactSample,
  type DriftMonitor,
  itemCreate,
  mgwHandshakeHeaders,
  mgwUrl,
  newInitEventId,
  responseCreate,
  sessionCreate,
  type GrokHeaders,
} from '../grok/index.js';
import type { Agent } from 'node:http';
import WebSocket from 'ws';

export interface MgwProbeResult {
  /** HTTP status of the handshake (101 = upgraded; 0 = no answer). */
  handshakeStatus: number;
  handshakeMs: number | undefined;
  /** Bounded excerpt of a refused handshake's body. */
  refusal?: string | undefined;
  /** Server events in order, ms since the socket was opened. */
  events: Array<{ name: string; atMs: number }>;
  firstChunkMs: number | undefined;
  /** response.done `response.status` (undefined when it never came). */
  doneStatus: string | undefined;
  /** First error event: code and message excerpt. */
  error?: string | undefined;
  /** Why the turn ended: done, error, closed, timeout or a transport failure message. */
  ended: string;
  /** The answer text seen in response.chunk deltas (the caller prints an excerpt). */
  text: string;
  totalMs: number;
}

export interface MgwProbeOptions {
  baseUrl: string;
  headers: GrokHeaders;
  token: string;
  userId: string;
  mode: string;
  prompt: string;
  timeoutMs: number;
  agent?: Agent | undefined;
  /** Every server frame is checked for protocol drift here (src/grok/drift). */
  drift?: DriftMonitor | undefined;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The text of a response.chunk event (`chunk.text.text`, any channel; or a plain `delta`). */
function chunkText(ev: Record<string, unknown>): string {
  const t = rec(rec(ev.chunk)?.text)?.text;
  if (typeof t === 'string') return t;
  return typeof ev.delta === 'string' ? ev.delta : '';
}

export function probeMgwTurn(o: MgwProbeOptions): Promise<MgwProbeResult> {
  const started = Date.now();
  const since = (): number => Date.now() - started;
  const out: MgwProbeResult = { handshakeStatus: 0, handshakeMs: undefined, events: [], firstChunkMs: undefined, doneStatus: undefined, ended: 'closed', text: '', totalMs: 0 };
  const ws = new WebSocket(mgwUrl(o.baseUrl, o.userId), {
    headers: mgwHandshakeHeaders(o.headers, o.token, o.userId),
    handshakeTimeout: Math.min(o.timeoutMs, 30_000),
    perMessageDeflate: false,
    followRedirects: false,
    ...(o.agent ? { agent: o.agent } : {}),
  });
  const initId = newInitEventId();
  let sessionId: string | undefined;
  let created = false;
  let attached = false;
  let sent = false;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ended: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      out.ended = ended;
      out.totalMs = since();
      if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
      resolve(out);
    };
    const timer = setTimeout(() => finish(`timeout after ${o.timeoutMs} ms`), o.timeoutMs);
    ws.once('upgrade', (res) => {
      out.handshakeStatus = res.statusCode ?? 101;
      out.handshakeMs = since();
    });
    ws.once('unexpected-response', (_req, res) => {
      out.handshakeStatus = res.statusCode ?? 0;
      out.handshakeMs = since();
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 2000) body += c;
      });
      const done = (): void => {
        out.refusal = body.replace(/\s+/g, ' ').trim().slice(0, 200);
        finish('handshake refused');
      };
      res.once('end', done);
      res.once('error', done);
    });
    ws.on('error', (err) => finish(`transport error: ${err.message.slice(0, 200)}`));
    ws.once('close', () => finish(out.doneStatus !== undefined ? 'done' : 'closed before response.done'));
    ws.once('open', () => ws.send(JSON.stringify(sessionCreate(initId, { model: o.mode, temporary: true, disableMemory: true, imageGenerationCount: 1 }))));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let msg: unknown;
      try {
        msg = JSON.parse((Buffer.isBuffer(data) ? data : Buffer.concat(data as Buffer[])).toString('utf8'));
      } catch {
        out.events.push({ name: '(not JSON)', atMs: since() });
        return;
      }
      const frame = rec(msg);
      if (frame && o.drift) o.drift.report(checkMgwFrame(frame), { source: 'mgw', model: o.mode }, () => redactSample(frame));
      const ev = rec(frame?.event);
      const name = typeof ev?.type === 'string' ? ev.type : '(no event type)';
      out.events.push({ name, atMs: since() });
      if (!ev) return;
      if (typeof frame?.session_id === 'string' && sessionId === undefined) sessionId = frame.session_id;
      if (name === 'session.created') created = true;
      if (name === 'conversation.attached') {
        attached = true;
        const id = rec(ev.conversation)?.id;
        if (typeof id === 'string') sessionId = id;
      }
      if (created && attached && !sent) {
        sent = true;
        const stamp = Date.now();
        ws.send(JSON.stringify(itemCreate(sessionId ?? '', stamp, o.prompt, [])));
        ws.send(JSON.stringify(responseCreate(sessionId ?? '', stamp)));
      }
      if (name === 'response.chunk') {
        if (out.firstChunkMs === undefined) out.firstChunkMs = since();
        if (out.text.length < 2000) out.text += chunkText(ev);
      }
      if (name === 'error' && out.error === undefined) {
        const e = rec(ev.error) ?? ev;
        out.error = `code ${String(e.code ?? '?')}: ${String(e.message ?? '').replace(/\s+/g, ' ').slice(0, 200)}`;
        finish('error event');
      }
      if (name === 'response.done') {
        const status = rec(ev.response)?.status;
        out.doneStatus = typeof status === 'string' ? status : '(none)';
        finish('done');
      }
    });
  });
}
