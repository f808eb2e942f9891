// Small node:http helpers shared by the routes: read a body without ever throwing, parse it,
// and send canned answers safely (the client may already be gone).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorAnswer } from './auth.js';

/** Reads the whole request body; resolves null if the client aborts or it exceeds `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 64 * 1024 * 1024): Promise<Buffer | null> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: Buffer | null): void => {
      if (done) return;
      done = true;
      resolve(v);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        finish(null);
        req.destroy();
        return;
      }
      parts.push(chunk);
    });
    req.on('end', () => finish(Buffer.concat(parts)));
    req.on('error', () => finish(null));
    req.on('close', () => finish(req.complete ? Buffer.concat(parts) : null));
  });
}

/** Parsed JSON, the raw string when it is not JSON, undefined when empty (what RecordedRequest keeps). */
export function decodeBody(buf: Buffer): unknown {
  if (buf.length === 0) return undefined;
  const text = buf.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A JSON object body, or undefined when the body is not a JSON object. */
export function jsonObject(buf: Buffer): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(buf.toString('utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | Buffer): void {
  if (res.headersSent || res.destroyed) return;
  res.on('error', () => undefined);
  res.writeHead(status, { 'content-length': String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value));
}

export function sendAnswer(res: ServerResponse, a: ErrorAnswer): void {
  send(res, a.status, a.headers, a.body);
}

/** Copies headers into a plain object (IncomingHttpHeaders has a null prototype quirk-free copy). */
export function copyHeaders(req: IncomingMessage): Record<string, string | string[] | undefined> {
  return { ...req.headers };
}

/** Writes an HTTP error on a socket that asked for a WebSocket upgrade (before any upgrade), then closes it. */
export function refuseUpgrade(socket: Duplex, a: ErrorAnswer): void {
  const head = [`HTTP/1.1 ${a.status} ${STATUS_CODES[a.status] ?? 'Error'}`, 'Connection: close',
    `Content-Length: ${Buffer.byteLength(a.body)}`, ...Object.entries(a.headers).map(([k, v]) => `${k}: ${v}`)];
  socket.on('error', () => undefined);
  socket.end(`${head.join('\r\n')}\r\n\r\n${a.body}`);
}
