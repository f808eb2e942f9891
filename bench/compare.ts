// `npm run bench:compare -- <dirA> <dirB>`: an interleaved A/B of two gateway builds on the same
// simulator, to decide whether a change wins (single runs of one build differ by up to 30% on a
// shared machine; alternating slices put the same noise on both sides). Each directory is a
// checkout with a built `dist/` (and node_modules reachable from it). Both gateways run with the
// bench's settings (bench/run.ts: info logging, 64 accounts, BENCH_TRANSPORT, default mgw) and
// serve non-streaming chat at one fixed rate (BENCH_RATE, default 300 req/s) and then flat out,
// in BENCH_SLICES (default 8) alternating slices of BENCH_SLICE seconds (default 4) in ABBA order,
// after BENCH_WARMUP seconds (default 10) of warm-up each. Prints CPU ms per request of A and B
// (utime+stime from /proc) and B/A per scenario. BENCH_B_NODE_ARGS: extra node flags for B
// (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the candidate under the same load).
// BENCH_B_ENV: space-separated KEY=VALUE settings for B only, over the bench's own (e.g.
// "GROK2API_LOG_REQUESTS=false"): a configuration A/B of one build is `-- . .` with this set.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Options, type Result } from 'autocannon';
import { cpuTimes, freePort, killChildrenNow, startChild, stopChildren, waitListening, type Child } from './proc.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const RATE = num('BENCH_RATE', 300);
const SLICES = num('BENCH_SLICES', 8);
const SLICE_S = num('BENCH_SLICE', 4);
const WARMUP_S = num('BENCH_WARMUP', 10);
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const TRANSPORT = process.env.BENCH_TRANSPORT === 'rest' ? 'rest' : 'mgw';
const API_KEY = 'sk-bench';
const ACCOUNTS = 64;

/** BENCH_B_ENV as an environment overlay; a word without `=` is refused (a typo would measure nothing). */
function overlayEnv(text: string | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const word of (text ?? '').split(/\s+/).filter(Boolean)) {
    const eq = word.indexOf('=');
    if (eq <= 0) {
      process.stderr.write(`BENCH_B_ENV: "${word}" is not KEY=VALUE\n`);
      process.exit(2);
    }
    env[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return env;
}
const B_ENV = overlayEnv(process.env.BENCH_B_ENV);

const args = process.argv.slice(2);
if (args.length !== 2) {
  process.stderr.write('usage: npm run bench:compare -- <dirA> <dirB>   (each with a built dist/)\n');
  process.exit(2);
}
const [dirA, dirB] = args.map((d) => resolve(d)) as [string, string];

function runCannon(opts: Options): Promise<Result> {
  return new Promise((res, rej) => autocannon(opts, (err, r) => (err ? rej(err) : res(r))));
}

async function main(): Promise<void> {
  const simPort = await freePort();
  const baseEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GROK2API_') && k !== 'PORT' && k !== 'HOST') baseEnv[k] = v;
  const sim = startChild('sim', ['--import', 'tsx', 'test/fake-grok/main.ts'], { ...baseEnv, FAKE_GROK_PORT: String(simPort), FAKE_GROK_HOST: '127.0.0.1', FAKE_GROK_DELAY_MS: '0' }, simPort, ROOT);
  const dirs: string[] = [];
  const gateway = async (name: string, dir: string, nodeArgs: string[], overlay: NodeJS.ProcessEnv = {}): Promise<Child> => {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), `grok2api-ab-${name}-`));
    dirs.push(dataDir);
    return startChild(name, [...nodeArgs, 'dist/src/main.js'], {
      ...baseEnv, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir,
      GROK2API_GROK_BASE_URL: `http://127.0.0.1:${simPort}`,
      // Each gateway its own accounts: neither shares the simulator's per-account state with the other.
      GROK2API_SSO_TOKENS: Array.from({ length: ACCOUNTS }, (_, i) => `bench-token-${name.toLowerCase()}-${i + 1}`).join(','),
      GROK2API_APP_API_KEYS: API_KEY, GROK2API_LOG_LEVEL: 'info', GROK2API_GROK_CHAT_TRANSPORT: TRANSPORT,
      GROK2API_ADMIN_PASSWORD: randomUUID(),
      ...overlay,
    }, port, dir);
  };
  const a = await gateway('A', dirA, []);
  const b = await gateway('B', dirB, (process.env.BENCH_B_NODE_ARGS ?? '').split(/\s+/).filter(Boolean), B_ENV);
  try {
    await Promise.all([sim, a, b].map((c) => waitListening(c, 90_000)));
    const body = JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Hello bench' }] });
    const opts = (c: Child, rate?: number): Options => ({
      url: `http://127.0.0.1:${c.port}/v1/chat/completions`, method: 'POST', body, connections: CONNECTIONS,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      ...(rate ? { overallRate: rate } : {}),
    });
    for (const c of [a, b]) {
      const res = await fetch(opts(c).url, { method: 'POST', headers: opts(c).headers as Record<string, string>, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${c.name} sanity request failed: ${res.status} ${text.slice(0, 300)}`);
    }
    process.stdout.write(`[ab] A = ${dirA}\n[ab] B = ${dirB}${process.env.BENCH_B_ENV ? ` with ${process.env.BENCH_B_ENV}` : ''}\n[ab] transport ${TRANSPORT}; ${SLICES} slices of ${SLICE_S} s, ABBA\n`);
    for (const rate of [RATE, undefined]) {
      for (const c of [a, b]) await runCannon({ ...opts(c, rate), duration: WARMUP_S });
      const acc = new Map<Child, { cpu: number; ok: number; bad: number; s: number; perSlice: number[] }>([[a, { cpu: 0, ok: 0, bad: 0, s: 0, perSlice: [] }], [b, { cpu: 0, ok: 0, bad: 0, s: 0, perSlice: [] }]]);
      for (let i = 0; i < SLICES; i++) {
        for (const c of i % 2 === 0 ? [a, b] : [b, a]) {
          const t0 = cpuTimes(c.pid);
          const r = await runCannon({ ...opts(c, rate), duration: SLICE_S });
          const t1 = cpuTimes(c.pid);
          const x = acc.get(c) as { cpu: number; ok: number; bad: number; s: number; perSlice: number[] };
          const cpu = t1.user + t1.sys - t0.user - t0.sys;
          x.cpu += cpu;
          x.ok += r['2xx'];
          x.bad += r.non2xx + r.errors + r.timeouts;
          x.s += r.duration;
          x.perSlice.push(Math.round((cpu / Math.max(1, r['2xx'])) * 1000));
        }
      }
      const line = (c: Child): string => {
        const x = acc.get(c) as { cpu: number; ok: number; bad: number; s: number; perSlice: number[] };
        return `${c.name}: ${(x.cpu / Math.max(1, x.ok)).toFixed(3)} CPU ms/req, ${Math.round(x.ok / x.s)} req/s, ${x.bad} bad; per slice µs ${x.perSlice.join(' ')}`;
      };
      const per = (c: Child): number => {
        const x = acc.get(c) as { cpu: number; ok: number };
        return x.cpu / Math.max(1, x.ok);
      };
      process.stdout.write(`[ab] ${rate ? `@ ${rate} req/s` : `saturated (${CONNECTIONS} connections)`}\n  ${line(a)}\n  ${line(b)}\n  B/A = ${(per(b) / per(a)).toFixed(3)}\n`);
    }
  } finally {
    await stopChildren(process.env.BENCH_B_NODE_ARGS ? 20_000 : 3000);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

process.on('exit', killChildrenNow);
await main();
