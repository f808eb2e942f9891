// Reading the answer of a grok.com REST call: its body decoded (Content-Encoding), the text of a
// failed answer (bounded), and whether a 403 body is the server's verdict or a page in front of it.
import type { Readable } from 'node:stream';
import type { AbortLike } from './cancellation.js';
import { decodeContent } from './content-encoding.js';
import { classifyTransportError } from './errors.js';
import { readLimitedText } from './read-limited-text.js';
import type { TransportResponse } from './transport.js';

const ERROR_BODY_LIMIT = 64 * 1024;

export function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(', ') : v;
}

export function noop(): void {}

/** The decoded body; an unknown Content-Encoding destroys the body and becomes a transport error. */
export function decodedBody(res: TransportResponse): Readable {
  res.body.on('error', noop); // errors surface through the reader; never as an unhandled 'error'
  if (res.decoded) return res.body;
  try {
    const stream = decodeContent(res.body, headerValue(res.headers['content-encoding']));
    if (stream !== res.body) stream.on('error', noop);
    return stream;
  } catch (err) {
    res.body.destroy();
    throw classifyTransportError(err);
  }
}

/** The body of a failed answer (≤ 64 KiB); throws the abort reason when the caller went away meanwhile. */
export async function readErrorText(res: TransportResponse, signal: AbortLike | undefined): Promise<string> {
  try {
    return await readLimitedText(decodedBody(res), ERROR_BODY_LIMIT);
  } catch {
    if (!res.body.destroyed) res.body.destroy();
    if (signal?.aborted) throw signal.reason;
    return ''; // classified on the status alone
  }
}

/** A JSON body is the server's verdict (block, anti-bot rule); anything else is a page in front of it. */
export function looksLikeJson(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('{') || t.startsWith('[');
}
