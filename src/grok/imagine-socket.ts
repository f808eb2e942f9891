// One imagine WebSocket's lifecycle (docs/grok-protocol.md, "Imagine WebSocket"): the handshake
// (a refused upgrade is classified like an HTTP failure, a network error like a transport one), a
// heartbeat ping, the queue of parsed server messages read one at a time with a timeout, and a close
// that never waits long for a server that does not answer it.
import type { Agent as HttpAgent } from 'node:http';
import WebSocket from 'ws';
import { checkImagineMessage, imagineAlwaysChecked, redactSample, type DriftMonitor } from './drift/index.js';
import { classifyHttpFailure, classifyTransportError } from './errors.js';
import type { Frame } from './imagine-frames.js';

/** What reading the socket gave: a server message, nothing within the wait, or the close. */
export type Next = { kind: 'frame'; frame: Frame } | { kind: 'timeout' } | { kind: 'closed'; code: number };

/** One open socket with a frame queue. */
export class ImagineSocket {
  private readonly queue: Next[] = [];
  private waiter: ((n: Next) => void) | undefined;
  private ping: NodeJS.Timeout | undefined;
  closed = false;
  framesSeen = 0;

  constructor(private readonly ws: WebSocket, pingMs: number, private readonly drift?: DriftMonitor) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse((data as Buffer).toString('utf8'));
      } catch {
        return;
      }
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        const d = this.drift;
        if (d && (d.sample() || imagineAlwaysChecked(parsed as Frame))) {
          const m = parsed as Frame;
          d.report(checkImagineMessage(m), { source: 'imagine' }, () => redactSample(m));
        }
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

export interface ImagineHandshake {
  wsUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** The egress's agent (proxy tunnel); none: a direct connection. */
  agent: HttpAgent | undefined;
  pingIntervalMs: number;
  drift: DriftMonitor | undefined;
}

/**
 * Opens one socket. Rejects with a classified GrokUpstreamError when the upgrade is refused (the
 * answer's status and body) or the network fails, and with `signal.reason` when the caller aborts.
 */
export function openImagineSocket(h: ImagineHandshake, signal: AbortSignal | undefined): Promise<ImagineSocket> {
  return new Promise((resolve, reject) => {
    const agent = h.agent;
    const ws = new WebSocket(h.wsUrl, {
      headers: h.headers,
      handshakeTimeout: h.timeoutMs,
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
    ws.once('open', () => settle(() => resolve(new ImagineSocket(ws, h.pingIntervalMs, h.drift))));
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
