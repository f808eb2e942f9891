// Starts the Grok simulator and a real gateway on ephemeral ports, wired together, and an
// official OpenAI SDK client pointed at the gateway: what a user runs, minus the real grok.com.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import pino from 'pino';
import { createGateway, type Gateway } from '../../src/app/create-gateway.js';
import { startFakeGrok, type FakeGrok, type FakeGrokOptions } from '../fake-grok/index.js';

/** Both chat transports: the core chat suites run once per transport (mgw is the default). */
export const TRANSPORTS = ['mgw', 'rest'] as const;

/** Overrides selecting a chat transport; mgw leaves the key unset so the default is what runs. */
export function transportOverrides(transport: (typeof TRANSPORTS)[number]): Record<string, unknown> {
  return transport === 'mgw' ? {} : { grok: { chat_transport: transport } };
}

export interface Harness {
  sim: FakeGrok;
  gw: Gateway;
  baseURL: string;
  openai: OpenAI;
  /** Every log line the gateway wrote, for assertions (and secret-leak checks). */
  logs: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  tokens?: string[];
  sim?: FakeGrokOptions;
  env?: Record<string, string>;
  overrides?: Record<string, unknown>;
  apiKey?: string;
  /** Reuse a data directory (restart tests); it is then not deleted on close. */
  dataDir?: string;
  /** A built admin console to serve at /manage (browser tests build one into a temp dir). */
  consoleDir?: string;
}

export async function startHarness(opts: HarnessOptions = {}, existingSim?: FakeGrok): Promise<Harness> {
  const tokens = opts.tokens ?? ['sso-token-alpha-0001'];
  const sim = existingSim ?? await startFakeGrok({
    tokenDelayMs: 1,
    ...opts.sim,
    tokens: { ...Object.fromEntries(tokens.map((t) => [t, {}])), ...(opts.sim?.tokens ?? {}) },
  });
  const ownDir = !opts.dataDir;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'g2a-e2e-'));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(chunk.toString('utf8'));
      cb();
    },
  });
  const apiKey = opts.apiKey ?? 'sk-test-harness-key-000000';
  const overrides = {
    app: { api_keys: [apiKey] },
    retry: { backoff_base: 0.01, backoff_max: 0.05 },
    // Tests control the simulator's accounts; a background quota sync would race their assertions.
    accounts: { sync_on_import: false, flush_interval: 0.1, poll_interval: 0.2 },
    // G2A_E2E_TRANSPORT=impit runs an e2e suite over the browser-impersonating transport (test/egress).
    ...(process.env.G2A_E2E_TRANSPORT ? { network: { transport: process.env.G2A_E2E_TRANSPORT } } : {}),
    ...opts.overrides,
    // Merged, not replaced: a test may set grok.chat_transport (or other grok keys) and keep the simulator URLs.
    grok: { base_url: sim.baseUrl, assets_url: sim.assetsUrl, ws_url: sim.wsUrl, ...(opts.overrides?.grok as Record<string, unknown> | undefined) },
  };
  const gw = await createGateway({
    env: { GROK2API_SSO_TOKENS: tokens.join(','), ...opts.env },
    dataDir,
    overrides: overrides as never,
    logger: pino({ level: 'debug' }, sink),
    ...(opts.consoleDir ? { consoleDir: opts.consoleDir } : {}),
  });
  await gw.app.listen({ host: '127.0.0.1', port: 0 });
  gw.started();
  const addr = gw.app.server.address();
  if (!addr || typeof addr === 'string') throw new Error('gateway did not bind a TCP port');
  const baseURL = `http://127.0.0.1:${addr.port}/v1`;
  const openai = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 30_000 });
  return {
    sim,
    gw,
    baseURL,
    openai,
    logs,
    close: async () => {
      await gw.close();
      if (!existingSim) await sim.close();
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves once `cond()` holds, polling every 10 ms; fails after `ms` (a socket close travels asynchronously). */
export async function eventually(cond: () => boolean, ms = 2000, what = 'the condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The chat turns the simulator received, on either transport: REST posts and mgw socket upgrades. */
export function chatCalls(h: Harness): Array<{ token: string | undefined; path: string }> {
  return h.sim.requests
    .filter((r) => (r.method === 'POST' && r.path === '/rest/app-chat/conversations/new') || (r.method === 'GET' && r.path.startsWith('/ws/mgw/')))
    .map((r) => ({ token: r.token, path: r.path }));
}

/** Each chat turn's prompt and file ids as sent, on either transport (REST body or mgw item frame). */
export function chatTurns(h: Harness): Array<{ transport: 'rest' | 'mgw'; prompt: string; fileIds: string[] }> {
  const out: Array<{ transport: 'rest' | 'mgw'; prompt: string; fileIds: string[] }> = [];
  for (const r of h.sim.requests) {
    if (r.method === 'POST' && r.path === '/rest/app-chat/conversations/new') {
      const b = r.body as { message?: string; fileAttachments?: string[] };
      out.push({ transport: 'rest', prompt: b.message ?? '', fileIds: b.fileAttachments ?? [] });
      continue;
    }
    const ev = (r.body as { event?: { type?: string; file_attachment_ids?: string[]; item?: { x_grok?: { input_chunks?: Array<{ text?: { text: string } }> } } } } | undefined)?.event;
    if (r.method === 'WS' && r.path === '/ws/mgw/' && ev?.type === 'conversation.item.create') {
      const chunks = ev.item?.x_grok?.input_chunks ?? [];
      out.push({ transport: 'mgw', prompt: chunks[chunks.length - 1]?.text?.text ?? '', fileIds: ev.file_attachment_ids ?? [] });
    }
  }
  return out;
}
