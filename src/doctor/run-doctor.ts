// `npm run doctor`: the first thing to run on a real deployment. With one SSO cookie it makes the
// four calls the gateway depends on, against the configured grok.base_url through the configured
// egress (the first of proxy.urls, else direct with grok.cf_clearance), and prints what each
// returned: status, event names with timings, bounded excerpts. Never a whole secret: the token is
// masked, and any echo of it in an answer is replaced before printing. Returns whether every step
// passed (the script exits non-zero otherwise).
import {
  DriftMonitor,
  GrokClient,
  GrokHeaders,
  GrokUpstreamError,
  StatsigProvider,
  createStatsigSigner,
  fetchSessionIdentity,
  type RateLimitWindow,
  type Transport,
} from '../grok/index.js';
import { maskSecret, type AppConfig } from '../config/index.js';
import { createTransport } from '../egress/index.js';
import { upstreamTimeoutsFrom } from '../app/index.js';
import { probeMgwTurn } from './mgw-probe.js';

export interface DoctorOptions {
  config: AppConfig;
  token: string;
  /** Writes one line of the report. */
  print: (line: string) => void;
  /** The turn's prompt (short, so the check spends little quota). */
  prompt?: string;
  /** mgw mode of the turn. */
  mode?: string;
  turnTimeoutMs?: number;
}

const PROMPT = 'Reply with the single word: ok';
/** Consecutive identical event names are shown once with a count; at most this many lines. */
const MAX_EVENT_LINES = 40;

function failure(err: unknown): string {
  if (err instanceof GrokUpstreamError) return `${err.kind}, status ${err.status}: ${err.message.replace(/\s+/g, ' ').slice(0, 240)}`;
  return err instanceof Error ? err.message.slice(0, 240) : String(err).slice(0, 240);
}

function windowText(w: RateLimitWindow | null): string {
  if (!w) return 'no remainingQueries/remainingTokens in the answer';
  return Object.entries(w).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

export async function runDoctor(o: DoctorOptions): Promise<boolean> {
  const c = o.config;
  const token = o.token.trim();
  const masked = maskSecret(token);
  // Defensive: nothing printed may carry the whole cookie, whatever an answer echoes.
  const print = (line: string): void => o.print(token.length >= 8 ? line.split(token).join(masked) : line);
  const proxyUrl = c.proxy.urls[0];
  const proxied = proxyUrl !== undefined && proxyUrl !== '';
  const headers = new GrokHeaders({
    baseUrl: c.grok.base_url,
    userAgent: c.grok.user_agent,
    acceptLanguage: c.grok.accept_language,
    // grok.cf_clearance belongs to the direct IP; through a proxy it would only be refused.
    ...(c.grok.cf_clearance && !proxied ? { cfClearance: c.grok.cf_clearance } : {}),
  });
  let transport: Transport;
  try {
    transport = createTransport({
      kind: c.network.transport,
      impitBrowser: c.network.impit_browser,
      userAgent: c.grok.user_agent,
      ...(proxied ? { proxyUrl } : {}),
      ...upstreamTimeoutsFrom(c),
    });
  } catch (err) {
    print(`egress: cannot be built: ${failure(err)}`);
    return false;
  }
  const statsig = new StatsigProvider(
    () => ({ mode: c.grok.statsig_mode, manualValue: c.grok.statsig_id, signerUrl: c.grok.statsig_signer_url }),
    c.grok.statsig_mode === 'signer' ? createStatsigSigner({ baseUrl: c.grok.base_url, signerUrl: () => c.grok.statsig_signer_url, headers, token: () => token }) : undefined,
  );
  // Every upstream message of the doctor's calls is checked for protocol drift (rate 1).
  const drift = new DriftMonitor({ sampleRate: 1 });
  const client = new GrokClient({
    drift,
    endpoints: { baseUrl: c.grok.base_url, assetsUrl: c.grok.assets_url, wsUrl: c.grok.ws_url },
    userAgent: c.grok.user_agent,
    acceptLanguage: c.grok.accept_language,
    ...(c.grok.cf_clearance && !proxied ? { cfClearance: c.grok.cf_clearance } : {}),
    headersTimeoutMs: upstreamTimeoutsFrom(c).headersTimeoutMs,
    transport,
    statsig,
  });

  print('grok2api doctor');
  print(`  base_url=${c.grok.base_url}  network.transport=${c.network.transport}  egress=${proxied ? `proxy ${maskSecret(proxyUrl)}` : 'direct'}  cf_clearance=${c.grok.cf_clearance && !proxied ? 'set' : 'unset'}  statsig_mode=${c.grok.statsig_mode}`);
  print(`  sso=${masked}`);
  let ok = 0;
  const total = 4;
  try {
    // 1. Session lookup: the user id the mgw socket is addressed to.
    let userId: string | undefined;
    let t = Date.now();
    try {
      const id = await fetchSessionIdentity(token, { baseUrl: c.grok.base_url, transport, headers, timeoutMs: 15_000, drift });
      userId = id.userId;
      print(`[1/4] session lookup GET /api/auth/session: ok 200 in ${Date.now() - t} ms, userId ${userId.slice(0, 8)}…`);
      ok++;
    } catch (err) {
      print(`[1/4] session lookup GET /api/auth/session: FAILED in ${Date.now() - t} ms: ${failure(err)}`);
    }

    // 2. One mgw turn.
    if (userId === undefined) {
      print('[2/4] mgw turn: SKIPPED (needs the user id of step 1)');
    } else {
      const mode = o.mode ?? 'fast';
      print(`[2/4] mgw turn (mode ${mode}, prompt "${(o.prompt ?? PROMPT).slice(0, 60)}"):`);
      const r = await probeMgwTurn({
        baseUrl: c.grok.base_url, headers, token, userId, mode, prompt: o.prompt ?? PROMPT,
        timeoutMs: o.turnTimeoutMs ?? 60_000, agent: transport.webSocketAgent(), drift,
      });
      print(`      handshake: ${r.handshakeStatus === 0 ? 'no answer' : `HTTP ${r.handshakeStatus}`}${r.handshakeMs === undefined ? '' : ` in ${r.handshakeMs} ms`}${r.refusal ? `, body: ${r.refusal}` : ''}`);
      let lines = 0;
      for (let i = 0; i < r.events.length && lines < MAX_EVENT_LINES; lines++) {
        const e = r.events[i] as { name: string; atMs: number };
        let j = i + 1;
        while (j < r.events.length && r.events[j]?.name === e.name) j++;
        const n = j - i;
        print(`      +${String(e.atMs).padStart(6)} ms  ${e.name}${n > 1 ? ` ×${n} (last at ${r.events[j - 1]?.atMs} ms)` : ''}`);
        i = j;
      }
      if (lines >= MAX_EVENT_LINES) print('      … (more events not shown)');
      print(`      first response.chunk: ${r.firstChunkMs === undefined ? 'never' : `${r.firstChunkMs} ms`}; response.done status: ${r.doneStatus ?? 'none'}; ended: ${r.ended} after ${r.totalMs} ms`);
      if (r.error) print(`      error event: ${r.error}`);
      if (r.text) print(`      text excerpt (all channels): "${r.text.replace(/\s+/g, ' ').trim().slice(0, 80)}"`);
      const passed = r.handshakeStatus === 101 && r.ended === 'done' && r.doneStatus === 'completed' && r.error === undefined;
      print(`      ${passed ? 'ok' : 'FAILED'}`);
      if (passed) ok++;
    }

    // 3. Chat quota of one mode.
    t = Date.now();
    try {
      const w = await client.rateLimits(token, 'auto');
      print(`[3/4] POST /rest/rate-limits (auto): ok 200 in ${Date.now() - t} ms, ${windowText(w)}`);
      ok++;
    } catch (err) {
      print(`[3/4] POST /rest/rate-limits (auto): FAILED in ${Date.now() - t} ms: ${failure(err)}`);
    }

    // 4. Media quotas.
    t = Date.now();
    try {
      const q = await client.quotaInfo(token);
      const buckets = q ? Object.entries(q).map(([k, v]) => `${k}=${v.available ? `${v.remaining ?? '?'} left` : 'unavailable'}`).join(' ') : 'not a quota snapshot';
      print(`[4/4] POST /rest/media/imagine/quota_info: ok 200 in ${Date.now() - t} ms, ${buckets}`);
      ok++;
    } catch (err) {
      print(`[4/4] POST /rest/media/imagine/quota_info: FAILED in ${Date.now() - t} ms: ${failure(err)}`);
    }
  } finally {
    await transport.close();
  }
  const sigs = drift.list();
  if (sigs.length === 0) print('protocol drift: none (every message matched what the gateway expects)');
  else {
    print(`protocol drift: ${sigs.length} signature(s) (grok.com sent something the gateway does not expect):`);
    for (const s of sigs) print(`  ${s.signature} ×${s.count}`);
  }
  print(`result: ${ok}/${total} steps ok`);
  return ok === total;
}
