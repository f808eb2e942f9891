// Admin API test helpers: a gateway in front of the simulator (test/e2e/harness.ts), an admin
// password set through the environment, and a small client that keeps the session cookie.
import assert from 'node:assert/strict';
import type { OutgoingHttpHeaders } from 'node:http';
import { startHarness, type Harness, type HarnessOptions } from '../e2e/harness.js';

export const ADMIN_PASSWORD = 'test-admin-password-123';

export interface ApiResponse {
  status: number;
  headers: OutgoingHttpHeaders;
  body: string;
  json: <T = Record<string, unknown>>() => T;
}

export interface AdminClient {
  h: Harness;
  /** Calls /api with the session (when logged in). */
  call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse>;
  login(password?: string): Promise<ApiResponse>;
  cookie: string | undefined;
  /** Every answer so far (for secret-leak checks). */
  answers: Array<{ method: string; path: string; status: number; body: string }>;
  close(): Promise<void>;
}

export async function startAdmin(opts: HarnessOptions & { password?: string | null } = {}): Promise<AdminClient> {
  const env = { ...(opts.password === null ? {} : { GROK2API_ADMIN_PASSWORD: opts.password ?? ADMIN_PASSWORD }), ...opts.env };
  const h = await startHarness({ ...opts, env });
  const client: AdminClient = {
    h,
    cookie: undefined,
    answers: [],
    async call(method, path, body, headers = {}) {
      const res = await h.gw.app.inject({
        method,
        url: path,
        headers: { ...(client.cookie ? { cookie: client.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      client.answers.push({ method, path, status: res.statusCode, body: res.body });
      return { status: res.statusCode, headers: res.headers, body: res.body, json: <T>() => JSON.parse(res.body) as T };
    },
    async login(password = opts.password ?? ADMIN_PASSWORD) {
      const res = await client.call('POST', '/api/login', { username: 'admin', password });
      const setCookie = res.headers['set-cookie'];
      const first = Array.isArray(setCookie) ? setCookie[0] : setCookie;
      if (res.status === 200 && first) client.cookie = first.split(';')[0];
      return res;
    },
    close: () => h.close(),
  };
  return client;
}

export async function loggedIn(opts: HarnessOptions & { password?: string } = {}): Promise<AdminClient> {
  const c = await startAdmin(opts);
  const res = await c.login();
  assert.equal(res.status, 200, res.body);
  return c;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `fn` until it returns a truthy value or `ms` passes. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}
