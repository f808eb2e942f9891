// The assets origin (assets.grok.com stand-in, docs/grok-protocol.md §10, §17.8): GET/HEAD /<path> with the
// SSO cookie, single-range requests (video players and resumable downloads use them), 404
// for unknown paths. Imagine's public images are served without a cookie.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFor } from './auth.js';
import { readBody, send, sendAnswer } from './http-util.js';
import type { SimState } from './state.js';

/** Parses a single `bytes=` range against `size`; 'invalid' → 416, undefined → whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined; // multi-range or unknown units: serve the whole file, as many servers do
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

export async function handleAssetsRequest(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.on('error', () => undefined);
  const raw = await readBody(req, 1024 * 1024);
  state.record(req, raw, 'assets');
  state.noteStatsigMisuse(req);
  if (raw === null) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendAnswer(res, errorFor(405, 'json'));

  let path: string;
  try {
    path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/').replace(/^\/+/, '');
  } catch {
    return sendAnswer(res, errorFor(400));
  }
  const asset = state.assets.get(path);
  if (!asset?.public) {
    const gate = state.gate(req, { statsig: false, route: 'assets' });
    if (!gate.ok) return sendAnswer(res, gate.answer);
  }
  if (!asset) return sendAnswer(res, errorFor(404));

  const size = asset.bytes.length;
  const base = { 'content-type': asset.mime, 'accept-ranges': 'bytes', 'cache-control': 'public, max-age=86400' };
  const range = parseRange(typeof req.headers.range === 'string' ? req.headers.range : undefined, size);
  const head = req.method === 'HEAD';
  if (range === 'invalid') return send(res, 416, { ...base, 'content-range': `bytes */${size}` }, '');
  if (range === undefined) {
    if (head) return headOnly(res, 200, base, size);
    return send(res, 200, base, asset.bytes);
  }
  const headers = { ...base, 'content-range': `bytes ${range.start}-${range.end}/${size}` };
  if (head) return headOnly(res, 206, headers, range.end - range.start + 1);
  send(res, 206, headers, asset.bytes.subarray(range.start, range.end + 1));
}

function headOnly(res: ServerResponse, status: number, headers: Record<string, string>, length: number): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, 'content-length': String(length) });
  res.end();
}
