// Test-side helpers for talking to the simulator over real HTTP (undici), shared by the
// simulator's own tests. Not part of the public surface.

import { request } from 'undici';
import type { Dispatcher } from 'undici';
import { simHeaders } from './client-headers.js';

export const CHAT_PATH = '/rest/app-chat/conversations/new';

export interface RawResponse {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
  /** Body chunks as they arrived. */
  chunks: Buffer[];
}

export async function post(
  baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {},
): Promise<RawResponse> {
  const res = await request(baseUrl + path, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const chunks: Buffer[] = [];
  for await (const c of res.body) chunks.push(c as Buffer);
  return { status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), chunks };
}

/** POST with the sso cookie and statsig header of `token`. */
export function postAs(baseUrl: string, path: string, body: unknown, token: string): Promise<RawResponse> {
  return post(baseUrl, path, body, simHeaders(token));
}

export function chat(baseUrl: string, token: string, message: string, extra: Record<string, unknown> = {}): Promise<RawResponse> {
  return postAs(baseUrl, CHAT_PATH, { message, modeId: 'fast', ...extra }, token);
}

/** `response` objects of an NDJSON body (skips blank, non-JSON and non-response lines unless `all`). */
export function frames(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of text.split('\n')) {
    const l = line.startsWith('data: ') ? line.slice(6) : line;
    if (!l.startsWith('{')) continue;
    try {
      out.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // malformed lines are part of some scripts
    }
  }
  return out;
}

/** The inner `result.response` objects only. */
export function responses(text: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const f of frames(text)) {
    const r = (f.result as { response?: Record<string, unknown> } | undefined)?.response;
    if (r) out.push(r);
  }
  return out;
}

export function answerText(text: string): string {
  return responses(text)
    .filter((r) => typeof r.token === 'string' && r.messageTag === 'final' && r.isThinking === false)
    .map((r) => r.token as string)
    .join('');
}

export function thinkingText(text: string): string {
  return responses(text).filter((r) => typeof r.token === 'string' && r.isThinking === true).map((r) => r.token as string).join('');
}

/** Polls `cond` every 10 ms until true or `ms` elapse. */
export async function waitFor(cond: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}
