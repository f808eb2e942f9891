// `npm run bench`: builds the gateway, starts the simulator, the gateway and the floor translator
// (bench/floor-translator.ts) as child processes on free ports, and measures in one run, in order:
//   - idle cost right after start-up (gateway CPU with nothing to do),
//   - 300 concurrent 400-token streams through the gateway: all complete with the exact text, RSS growth
//     (then a second identical round, as a leak check); the floor then serves the same two rounds,
//     so both come to the CPU comparisons with the same history,
//   - autocannon, flat out at 50 connections: the simulator alone (the upstream's own ceiling), then
//     floor and gateway, non-streaming and streaming: requests/s, p50/p99 latency, errors, and CPU time
//     per request of the process under test (utime+stime from /proc/<pid>/stat),
//   - floor and gateway non-streaming again at one equal fixed rate (half the slower one's ceiling),
//   - idle cost after the load (once V8's post-load heap shrink is over: see settleAfterLoad), and
//     with 20 streams stalled upstream (heartbeats on, default interval).
// Prints a table and writes bench/results.json and bench/results.md. Exit code 0 even when a target
// is missed (this is a report); 1 only when the run itself could not be done.
//
// BENCH_TRANSPORT (default "mgw"): the gateway's grok.chat_transport and the matching floor: "mgw"
// = bench/floor-mgw-translator.ts (a WebSocket per turn: handshake + events), "rest" =
// bench/floor-translator.ts (one NDJSON POST per turn).
// Knobs (env): BENCH_DURATION (s per measured scenario, default 8), BENCH_WARMUP (s, default 2),
// BENCH_SLICES (floor/gateway alternations per scenario, default 4), BENCH_CONNECTIONS (default 50),
// BENCH_STREAMS (default 300), BENCH_SKIP_BUILD=1,
// BENCH_GATEWAY_NODE_ARGS (extra node flags for the gateway, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof";
// the profile is written when the gateway exits at the end of the run).
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon, { type Options, type Result } from 'autocannon';
import { Agent } from 'undici';
import { cpuMs, cpuTimes, deadChildren, freePort, killChildrenNow, rssMb, startChild, stopChildren, waitListening, CLK_TCK, type Child } from './proc.js';
import { expectedTokensText, runStream, type StreamResult } from './sse.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = join(ROOT, 'bench');

const num = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const DURATION_S = num('BENCH_DURATION', 8);
const WARMUP_S = num('BENCH_WARMUP', 2);
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const STREAMS = num('BENCH_STREAMS', 300);
const TRANSPORT = process.env.BENCH_TRANSPORT === 'rest' ? 'rest' : 'mgw';
const STREAM_TOKENS = 400;
const STREAM_FRAME_DELAY_MS = 5;
const STALLED_STREAMS = 20;
/** Default chat.heartbeat_interval is 15 s: a 16 s window sees one heartbeat per stalled stream. */
const STALLED_WINDOW_S = 16;
const IDLE_WINDOW_S = 5;
/**
 * Each measured scenario is split into this many slices, alternating between floor and gateway
 * (BENCH_SLICES, default 4, rounded up to even): on a VM whose speed drifts by ±20% from one
 * 10-second window to the next, more and shorter alternations put the drift on both sides alike.
 */
const SLICES = Math.ceil(num('BENCH_SLICES', 4) / 2) * 2;
/**
 * Longest wait after the load for V8's memory reducer: some 10-40 s after the allocation rate
 * drops it shrinks the heap with up to three full collections (100-300 ms of CPU at once), a
 * one-off the idle figures (steady state) must not catch.
 */
const SETTLE_MAX_S = 60;
const API_KEY = 'sk-bench';
/** Enough seeded accounts that max_inflight (8 per account, the default) never refuses a request. */
const ACCOUNT_COUNT = 64;

const TARGET_CPU_RATIO = 1.5;
const TARGET_RSS_GROWTH_MB = 150;
/** "Nothing measurable": below 0.5% of one core (the /proc tick is 10 ms, so 2 ms/s over 5 s). */
const TARGET_IDLE_MS_PER_S = 5;

interface LoadScenario {
  name: string;
  process: string;
  /** autocannon overallRate, when the scenario runs at a fixed request rate instead of flat out. */
  fixedRate?: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  cpuMsPerRequest: number;
  /** The same split into user (JS, V8, libuv) and system (kernel: sockets, writes to the log pipe) time. */
  userMsPerRequest: number;
  sysMsPerRequest: number;
  /** CPU ms per request of every child during the measured window (gateway, floor, sim). */
  cpuMsPerRequestByProcess: Record<string, number>;
}

function log(msg: string): void {
  process.stdout.write(`[bench] ${msg}\n`);
}

function runCannon(opts: Options): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    autocannon(opts, (err, result) => (err ? reject(err) : resolvePromise(result)));
  });
}

function machine(): Record<string, string | number> {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) model = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return {
    cpu: model,
    cores: cpus().length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${process.platform} ${release()}`,
    node: process.version,
  };
}

function gitRevision(): string {
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (rev.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' });
  return `${rev.stdout.trim()}${dirty.stdout.trim() ? ' (+ uncommitted changes in src/)' : ''}`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

const round = (n: number, d = 2): number => (Number.isFinite(n) ? Math.round(n * 10 ** d) / 10 ** d : n);

async function main(): Promise<void> {
  const startedAt = new Date();
  if (process.env.BENCH_SKIP_BUILD !== '1') {
    log('building the gateway (npm run build)');
    const b = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) {
      process.stderr.write(`${b.stdout}${b.stderr}\n[bench] npm run build failed: cannot measure a gateway that does not build.\n`);
      process.exit(1);
    }
  }

  const [simPort, gwPort, floorPort] = [await freePort(), await freePort(), await freePort()];
  const dataDir = mkdtempSync(join(tmpdir(), 'grok2api-bench-'));
  const baseEnv: NodeJS.ProcessEnv = {};
  // A clean environment: no GROK2API_* from the caller's shell changes what is measured.
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GROK2API_') && k !== 'PORT' && k !== 'HOST') baseEnv[k] = v;
  const simUrl = `http://127.0.0.1:${simPort}`;

  const sim = startChild('sim', ['--import', 'tsx', 'test/fake-grok/main.ts'], {
    ...baseEnv, FAKE_GROK_PORT: String(simPort), FAKE_GROK_HOST: '127.0.0.1', FAKE_GROK_DELAY_MS: '0',
  }, simPort, ROOT);
  const tokens = Array.from({ length: ACCOUNT_COUNT }, (_, i) => `bench-token-${i + 1}`).join(',');
  const gwNodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const gw = startChild('gateway', [...gwNodeArgs, 'dist/src/main.js'], {
    ...baseEnv,
    NODE_ENV: 'production',
    PORT: String(gwPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    GROK2API_GROK_BASE_URL: simUrl,
    GROK2API_SSO_TOKENS: tokens,
    GROK2API_APP_API_KEYS: API_KEY,
    GROK2API_LOG_LEVEL: 'info',
    GROK2API_GROK_CHAT_TRANSPORT: TRANSPORT,
    // Set, so the gateway does not generate one and print it into the log (and these results).
    GROK2API_ADMIN_PASSWORD: randomUUID(),
  }, gwPort, ROOT);
  const floor = startChild('floor', ['--import', 'tsx', TRANSPORT === 'mgw' ? 'bench/floor-mgw-translator.ts' : 'bench/floor-translator.ts'], {
    ...baseEnv, FLOOR_PORT: String(floorPort), FLOOR_UPSTREAM: simUrl, FLOOR_TOKEN: 'bench-floor',
  }, floorPort, ROOT);
  const all: Child[] = [sim, gw, floor];
  await Promise.all(all.map((c) => waitListening(c)));
  log(`chat transport: ${TRANSPORT} (gateway grok.chat_transport and the matching floor)`);
  log(`listening: sim :${simPort} (pid ${sim.pid}), gateway :${gwPort} (pid ${gw.pid}), floor :${floorPort} (pid ${floor.pid})`);

  const gwUrl = `http://127.0.0.1:${gwPort}/v1/chat/completions`;
  const floorUrl = `http://127.0.0.1:${floorPort}/v1/chat/completions`;
  const chatHeaders = { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` };
  const chatBody = (stream: boolean): string =>
    JSON.stringify({ model: 'grok-chat-fast', ...(stream ? { stream: true } : {}), messages: [{ role: 'user', content: 'Hello bench' }] });

  // Sanity: one request through each path must succeed before anything is measured.
  for (const [name, url, headers, body] of [
    ['gateway', gwUrl, chatHeaders, chatBody(false)],
    ['floor', floorUrl, chatHeaders, chatBody(false)],
  ] as const) {
    const res = await fetch(url, { method: 'POST', headers, body });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${name} sanity request failed: ${res.status} ${text.slice(0, 300)}`);
  }

  const simHeaders = {
    'content-type': 'application/json',
    cookie: 'sso=bench-direct; sso-rw=bench-direct',
    'x-statsig-id': Buffer.from('x1:bench-direct').toString('base64'),
  };
  const simBody = JSON.stringify({ message: 'Hello bench', modeId: 'fast' });

  const idle: Record<string, number> = {};
  const measureIdle = async (key: string, seconds: number): Promise<number> => {
    const c0 = cpuMs(gw.pid);
    await sleep(seconds * 1000);
    const v = (cpuMs(gw.pid) - c0) / seconds;
    idle[key] = round(v);
    log(`${key}: ${round(v)} CPU ms/s`);
    return v;
  };

  // 7a. Idle, right after start-up and a few calls (timers and logging with no traffic).
  await sleep(3000);
  await measureIdle('idleFreshMsPerS', IDLE_WINDOW_S);

  // 6. Concurrent streams: every one must complete with the exact answer; watch the RSS.
  const streams = await streamCapacity(gw, gwUrl);
  // The floor serves the same streams, so that both come to the CPU comparisons below with the same
  // history (measured: without this, the gateway alone had served 600 long streams and then spent
  // 10-25% more CPU per non-stream request for minutes; no memory is retained, the heap after a
  // full GC is back at its earlier size: it is the optimised code and heap sizing that differ).
  await floorStreams(floorUrl);

  // 1-5. Throughput, latency, CPU per request. Floor and gateway are measured in alternating
  // slices (floor, gateway, gateway, floor, ...) so that background load on a shared machine and
  // JIT warm-up drift weigh on both sides of a ratio alike.
  const scenarios: LoadScenario[] = [];
  interface Target { name: string; child: Child; url: string; headers: Record<string, string>; body: string }
  interface Acc { requests: number; ok: number; seconds: number; errors: number; non2xx: number; codes: Record<string, number>; p50s: number[]; p99s: number[]; cpu: Record<string, number>; user: number; sys: number }
  const sliceS = DURATION_S / SLICES;
  const measure = async (targets: Target[], rate?: number): Promise<LoadScenario[]> => {
    const optsOf = (t: Target): Options => ({ url: t.url, method: 'POST', headers: t.headers, body: t.body, connections: CONNECTIONS, ...(rate ? { overallRate: rate } : {}) });
    for (const t of targets) {
      log(`${t.name}: warm-up ${WARMUP_S} s`);
      await runCannon({ ...optsOf(t), duration: WARMUP_S });
    }
    const accs: Acc[] = targets.map(() => ({ requests: 0, ok: 0, seconds: 0, errors: 0, non2xx: 0, codes: {}, p50s: [], p99s: [], cpu: {}, user: 0, sys: 0 }));
    log(`measuring ${targets.map((t) => t.name).join(' / ')}: ${SLICES} alternating slices of ${sliceS} s each, ${CONNECTIONS} connections`);
    for (let i = 0; i < SLICES; i++) {
      // ABBA order (floor, gateway, gateway, floor, ...): a drift in the machine's speed during the
      // run weighs on both sides alike instead of always on the one measured second.
      const order = i % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse();
      for (const k of order) {
        const t = targets[k] as Target;
        const acc = accs[k] as Acc;
        const before = Object.fromEntries(all.map((c) => [c.name, cpuMs(c.pid)]));
        const t0 = cpuTimes(t.child.pid);
        const r = await runCannon({ ...optsOf(t), duration: sliceS });
        const t1 = cpuTimes(t.child.pid);
        for (const c of all) acc.cpu[c.name] = (acc.cpu[c.name] ?? 0) + cpuMs(c.pid) - (before[c.name] ?? 0);
        acc.user += t1.user - t0.user;
        acc.sys += t1.sys - t0.sys;
        acc.requests += r.requests.total;
        acc.ok += r['2xx'];
        acc.seconds += r.duration;
        acc.errors += r.errors + r.timeouts;
        acc.non2xx += r.non2xx;
        for (const [code, v] of Object.entries(r.statusCodeStats)) acc.codes[code] = (acc.codes[code] ?? 0) + v.count;
        acc.p50s.push(r.latency.p50);
        acc.p99s.push(r.latency.p99);
      }
    }
    return targets.map((t, k) => {
      const acc = accs[k] as Acc;
      const ok = Math.max(1, acc.ok);
      const byProcess = Object.fromEntries(Object.entries(acc.cpu).map(([n, v]) => [n, round(v / ok, 3)]));
      const sc: LoadScenario = {
        name: t.name,
        process: t.child.name,
        ...(rate ? { fixedRate: rate } : {}),
        requests: acc.requests,
        rps: round(acc.requests / acc.seconds, 0),
        p50: median(acc.p50s),
        p99: Math.max(...acc.p99s),
        errors: acc.errors,
        non2xx: acc.non2xx,
        statusCodes: acc.codes,
        cpuMsPerRequest: byProcess[t.child.name] ?? NaN,
        userMsPerRequest: round(acc.user / ok, 3),
        sysMsPerRequest: round(acc.sys / ok, 3),
        cpuMsPerRequestByProcess: byProcess,
      };
      scenarios.push(sc);
      log(`${sc.name}: ${sc.rps} req/s, p50 ${sc.p50} ms, p99 ${sc.p99} ms, errors ${sc.errors}, non-2xx ${sc.non2xx}, ${sc.cpuMsPerRequest} CPU ms/request (${sc.process})`);
      return sc;
    });
  };
  const chat = (name: string, child: Child, url: string, stream: boolean): Target => ({ name, child, url, headers: chatHeaders, body: chatBody(stream) });
  await measure([{ name: 'simulator direct', child: sim, url: `${simUrl}/rest/app-chat/conversations/new`, headers: simHeaders, body: simBody }]);
  const [floorNs, gwNs] = await measure([chat('floor, non-stream', floor, floorUrl, false), chat('gateway, non-stream', gw, gwUrl, false)]);
  await measure([chat('floor, stream', floor, floorUrl, true), chat('gateway, stream', gw, gwUrl, true)]);
  // CPU per request falls as a process nears saturation (more work per event-loop turn), and the
  // floor saturates at a higher rate than the gateway: compare them again at one equal rate,
  // half the slower one's ceiling, where both have the same batching opportunity.
  const rate = Math.max(50, Math.round(Math.min(floorNs?.rps ?? 0, gwNs?.rps ?? 0) / 2 / 50) * 50);
  await measure([chat(`floor, non-stream @ ${rate} req/s`, floor, floorUrl, false), chat(`gateway, non-stream @ ${rate} req/s`, gw, gwUrl, false)], rate);

  // 7b. Idle again after the load (settled: the heap shrink done), then with stalled streams holding heartbeats.
  const idleSettle = await settleAfterLoad(gw);
  await measureIdle('idleAfterLoadMsPerS', IDLE_WINDOW_S);
  const stalled = await stalledStreams(gw, gwUrl);

  const find = (n: string): LoadScenario | undefined => scenarios.find((s) => s.name === n);
  const ratio = (a?: LoadScenario, b?: LoadScenario): number => (a && b ? round(a.cpuMsPerRequest / b.cpuMsPerRequest) : NaN);
  const nonStreamRatio = ratio(find('gateway, non-stream'), find('floor, non-stream'));
  const equalRateRatio = ratio(find(`gateway, non-stream @ ${rate} req/s`), find(`floor, non-stream @ ${rate} req/s`));
  const streamRatio = ratio(find('gateway, stream'), find('floor, stream'));
  const idleWorst = Math.max(idle.idleFreshMsPerS ?? 0, idle.idleAfterLoadMsPerS ?? 0, stalled.cpuMsPerS);

  const targets = [
    {
      target: `gateway CPU per non-stream request ≤ ${TARGET_CPU_RATIO}× floor, both at ${rate} req/s`,
      value: `${equalRateRatio}×`,
      pass: equalRateRatio <= TARGET_CPU_RATIO,
    },
    {
      target: `gateway CPU per non-stream request ≤ ${TARGET_CPU_RATIO}× floor, both saturated (${CONNECTIONS} connections)`,
      value: `${nonStreamRatio}×`,
      pass: nonStreamRatio <= TARGET_CPU_RATIO,
    },
    {
      target: `${STREAMS} concurrent streams of ${STREAM_TOKENS} tokens all complete`,
      value: `${streams.completed}/${STREAMS}`,
      pass: streams.completed === STREAMS,
    },
    {
      target: `memory growth during the ${STREAMS} streams < ${TARGET_RSS_GROWTH_MB} MB`,
      value: `${streams.growthMb} MB`,
      pass: streams.growthMb < TARGET_RSS_GROWTH_MB,
    },
    {
      target: `idle CPU (no streams; ${STALLED_STREAMS} stalled streams with heartbeats) < ${TARGET_IDLE_MS_PER_S} ms/s`,
      value: `${idle.idleFreshMsPerS} / ${idle.idleAfterLoadMsPerS} / ${stalled.cpuMsPerS} ms/s`,
      pass: idleWorst < TARGET_IDLE_MS_PER_S,
    },
  ];

  const results = {
    date: startedAt.toISOString(),
    command: 'npm run bench',
    revision: gitRevision(),
    machine: machine(),
    settings: {
      durationS: DURATION_S, warmupS: WARMUP_S, connections: CONNECTIONS, clkTck: CLK_TCK,
      simTokenDelayMs: 0, gatewayLogLevel: 'info', accounts: ACCOUNT_COUNT, chatTransport: TRANSPORT,
      gatewayNodeArgs: gwNodeArgs,
      note: 'load generator (autocannon), simulator, gateway and floor share the same machine',
    },
    scenarios,
    ratios: { nonStreamCpuGatewayOverFloor: nonStreamRatio, nonStreamEqualRate: rate, nonStreamEqualRateCpuGatewayOverFloor: equalRateRatio, streamCpuGatewayOverFloor: streamRatio },
    streams,
    idle: { ...idle, stalledStreams: stalled, settleAfterLoad: idleSettle },
    targets,
    gatewayLog: { lines: gw.lines, warningsAndErrors: gw.problemCount, kinds: gw.problemKinds, samples: gw.problems },
    otherChildren: Object.fromEntries(all.filter((c) => c.name !== 'gateway').map((c) => [c.name, { warningsAndErrors: c.problemCount, kinds: c.problemKinds }])),
  };
  writeFileSync(join(BENCH_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const md = markdown(results);
  writeFileSync(join(BENCH_DIR, 'results.md'), md + keptSection(join(BENCH_DIR, 'results.md')));
  process.stdout.write(`\n${md}\n`);
  log('wrote bench/results.json and bench/results.md');
  rmSync(dataDir, { recursive: true, force: true });
}

interface StreamCapacity {
  streams: number;
  tokens: number;
  frameDelayMs: number;
  completed: number;
  failures: Record<string, number>;
  wallMs: number;
  p50Ms: number;
  maxMs: number;
  baselineRssMb: number;
  peakRssMb: number;
  growthMb: number;
  rssAfterMb: number;
  secondRound: { completed: number; peakRssMb: number; rssAfterMb: number };
  gatewayCpuMs: number;
}

async function streamRound(gw: Child, url: string, agent: Agent): Promise<{ results: StreamResult[]; peak: number; wallMs: number }> {
  const prompt = `Go [sim:tokens=${STREAM_TOKENS}] [sim:delay=${STREAM_FRAME_DELAY_MS}]`;
  let peak = rssMb(gw.pid);
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(gw.pid));
    } catch {
      // process gone: reported elsewhere
    }
  }, 100);
  const t0 = performance.now();
  try {
    const results = await Promise.all(Array.from({ length: STREAMS }, () => runStream({ url, apiKey: API_KEY, prompt, dispatcher: agent })));
    return { results, peak: Math.max(peak, rssMb(gw.pid)), wallMs: performance.now() - t0 };
  } finally {
    clearInterval(sampler);
  }
}

function judge(results: StreamResult[], expected: string): { completed: number; failures: Record<string, number> } {
  const failures: Record<string, number> = {};
  let completed = 0;
  for (const r of results) {
    let why: string | undefined;
    if (r.error) why = r.error;
    else if (r.status !== 200) why = `status ${r.status}`;
    else if (!r.done) why = 'no data: [DONE]';
    else if (r.contentChunks !== STREAM_TOKENS) why = `${r.contentChunks} content chunks instead of ${STREAM_TOKENS}`;
    else if (r.content !== expected) why = 'reassembled text differs from the expected answer';
    if (why === undefined) completed++;
    else failures[why] = (failures[why] ?? 0) + 1;
  }
  return { completed, failures };
}

/** The stream test's two rounds through the floor (its answers are not judged: it only needs the same history). */
async function floorStreams(url: string): Promise<void> {
  const agent = new Agent({ connections: STREAMS + 50, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const prompt = `Go [sim:tokens=${STREAM_TOKENS}] [sim:delay=${STREAM_FRAME_DELAY_MS}]`;
  try {
    for (let round = 1; round <= 2; round++) {
      const results = await Promise.all(Array.from({ length: STREAMS }, () => runStream({ url, apiKey: API_KEY, prompt, dispatcher: agent })));
      log(`floor streams round ${round}: ${results.filter((r) => r.status === 200 && r.done).length}/${STREAMS} ended with data: [DONE]`);
    }
  } finally {
    await agent.close();
  }
}

async function streamCapacity(gw: Child, url: string): Promise<StreamCapacity> {
  const agent = new Agent({ connections: STREAMS + 50, pipelining: 1, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const expected = expectedTokensText(STREAM_TOKENS);
  // Warm the path (and the upstream pool) with a handful of streams, then let it settle.
  await Promise.all(Array.from({ length: 10 }, () => runStream({ url, apiKey: API_KEY, prompt: 'Warm [sim:tokens=20]', dispatcher: agent })));
  await sleep(1000);
  const baseline = rssMb(gw.pid);
  log(`streams: ${STREAMS} concurrent × ${STREAM_TOKENS} tokens (frame delay ${STREAM_FRAME_DELAY_MS} ms), baseline RSS ${round(baseline, 1)} MB`);
  const c0 = cpuMs(gw.pid);
  const r1 = await streamRound(gw, url, agent);
  const gatewayCpuMs = cpuMs(gw.pid) - c0;
  const j1 = judge(r1.results, expected);
  await sleep(2000);
  const after1 = rssMb(gw.pid);
  log(`streams round 1: ${j1.completed}/${STREAMS} complete in ${round(r1.wallMs / 1000, 1)} s, peak RSS ${round(r1.peak, 1)} MB (+${round(r1.peak - baseline, 1)}), after ${round(after1, 1)} MB`);
  for (const [why, n] of Object.entries(j1.failures)) log(`  ${n} × ${why}`);
  // A second identical round: RSS after it should not keep climbing (leak check).
  const r2 = await streamRound(gw, url, agent);
  const j2 = judge(r2.results, expected);
  await sleep(2000);
  const after2 = rssMb(gw.pid);
  log(`streams round 2: ${j2.completed}/${STREAMS} complete, peak RSS ${round(r2.peak, 1)} MB, after ${round(after2, 1)} MB`);
  for (const [why, n] of Object.entries(j2.failures)) log(`  ${n} × ${why}`);
  await agent.close();
  const times = r1.results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    streams: STREAMS,
    tokens: STREAM_TOKENS,
    frameDelayMs: STREAM_FRAME_DELAY_MS,
    completed: j1.completed,
    failures: j1.failures,
    wallMs: round(r1.wallMs, 0),
    p50Ms: round(times[Math.floor(times.length / 2)] ?? NaN, 0),
    maxMs: round(times[times.length - 1] ?? NaN, 0),
    baselineRssMb: round(baseline, 1),
    peakRssMb: round(r1.peak, 1),
    growthMb: round(r1.peak - baseline, 1),
    rssAfterMb: round(after1, 1),
    secondRound: { completed: j2.completed, peakRssMb: round(r2.peak, 1), rssAfterMb: round(after2, 1) },
    gatewayCpuMs: round(gatewayCpuMs, 0),
  };
}

interface Stalled {
  streams: number;
  open: number;
  windowS: number;
  heartbeatsReceived: number;
  cpuMsPerS: number;
}

interface Settle {
  seconds: number;
  cpuMs: number;
  rssFromMb: number;
  rssToMb: number;
}

/**
 * Waits until V8's post-load heap shrink has happened: the gateway's RSS falls below 80% of what
 * it was when the load stopped (then 3 s more: its collections come a fraction of a second apart),
 * or SETTLE_MAX_S. Returns what the wait cost, reported next to the idle figures.
 */
async function settleAfterLoad(gw: Child): Promise<Settle> {
  const t0 = Date.now();
  const c0 = cpuMs(gw.pid);
  const r0 = rssMb(gw.pid);
  await sleep(3000);
  while (Date.now() - t0 < SETTLE_MAX_S * 1000) {
    if (rssMb(gw.pid) < 0.8 * r0) {
      await sleep(3000);
      break;
    }
    await sleep(1000);
  }
  const s: Settle = { seconds: round((Date.now() - t0) / 1000), cpuMs: round(cpuMs(gw.pid) - c0), rssFromMb: round(r0), rssToMb: round(rssMb(gw.pid)) };
  log(`settled after the load: ${s.seconds} s, ${s.cpuMs} CPU ms, RSS ${s.rssFromMb} → ${s.rssToMb} MB`);
  return s;
}

/** Streams that sent their first frame and then stall upstream: only heartbeats keep them busy. */
async function stalledStreams(gw: Child, url: string): Promise<Stalled> {
  const agent = new Agent({ connections: STALLED_STREAMS + 5, headersTimeout: 120_000, bodyTimeout: 120_000 });
  const ctl = new AbortController();
  setMaxListeners(STALLED_STREAMS + 10, ctl.signal);
  let open = 0;
  const prompt = `Idle [sim:stall=${(STALLED_WINDOW_S + 30) * 1000}]`;
  const pending = Array.from({ length: STALLED_STREAMS }, () =>
    runStream({ url, apiKey: API_KEY, prompt, dispatcher: agent, signal: ctl.signal, onFirstBytes: () => open++ }));
  const deadline = Date.now() + 10_000;
  while (open < STALLED_STREAMS && Date.now() < deadline) await sleep(50);
  await sleep(200);
  log(`stalled: ${open}/${STALLED_STREAMS} streams open, measuring ${STALLED_WINDOW_S} s (heartbeat interval 15 s)`);
  const c0 = cpuMs(gw.pid);
  await sleep(STALLED_WINDOW_S * 1000);
  const cpu = (cpuMs(gw.pid) - c0) / STALLED_WINDOW_S;
  ctl.abort();
  const results = await Promise.all(pending);
  await agent.destroy();
  const heartbeats = results.reduce((n, r) => n + r.heartbeats, 0);
  log(`stalled: ${round(cpu)} CPU ms/s, ${heartbeats} heartbeats received`);
  return { streams: STALLED_STREAMS, open, windowS: STALLED_WINDOW_S, heartbeatsReceived: heartbeats, cpuMsPerS: round(cpu) };
}

type Results = {
  date: string;
  command: string;
  revision: string;
  machine: Record<string, string | number>;
  settings: { durationS: number; warmupS: number; connections: number; accounts: number; gatewayNodeArgs: string[]; chatTransport: string };
  scenarios: LoadScenario[];
  ratios: { nonStreamCpuGatewayOverFloor: number; nonStreamEqualRate: number; nonStreamEqualRateCpuGatewayOverFloor: number; streamCpuGatewayOverFloor: number };
  streams: StreamCapacity;
  idle: Record<string, number | Stalled | Settle>;
  targets: Array<{ target: string; value: string; pass: boolean }>;
  gatewayLog: { lines: number; warningsAndErrors: number; kinds: Record<string, number> };
};

/**
 * Hand-written notes at the end of results.md (the micro-measurements behind hot-path choices),
 * from KEPT_MARKER on: carried over when a run rewrites the file above them.
 */
const KEPT_MARKER = '<!-- Kept across runs: bench/run.ts rewrites only what is above this line. -->';

function keptSection(path: string): string {
  let old: string;
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  const at = old.indexOf(KEPT_MARKER);
  return at === -1 ? '' : `\n${old.slice(at)}`;
}

function markdown(r: Results): string {
  const m = r.machine;
  const s = r.streams;
  const stalled = r.idle.stalledStreams as Stalled;
  const out: string[] = [];
  out.push(`Measured ${r.date.slice(0, 10)} at ${r.revision} with \`${r.command}\` on ${m.cpu}, ${m.cores} cores, ${m.memoryGb} GB, ${m.os}, Node ${m.node}.`);
  out.push(`Each load scenario: ${r.settings.warmupS} s warm-up, then ${r.settings.durationS} s with autocannon at ${r.settings.connections} connections, ` +
    `measured in ${SLICES} slices that alternate floor and gateway in ABBA order (p50 = median of the slices, p99 = worst slice); ` +
    'the load generator, simulator, gateway and floor all share the machine. CPU per request is the utime+stime of the ' +
    'process under test over the measured window (/proc/<pid>/stat) divided by its 2xx responses. The gateway runs the ' +
    `built JS with default settings, logging at info (one line per call), ${r.settings.accounts} seeded accounts. ` +
    (r.settings.chatTransport === 'mgw'
      ? 'Chat transport **mgw**: the gateway and the floor (bench/floor-mgw-translator.ts) open one WebSocket per turn (handshake, session.create, events to response.done); "simulator direct" is the REST chat endpoint alone, for scale.'
      : 'Chat transport **rest**: the gateway and the floor (bench/floor-translator.ts) post one NDJSON chat per turn.'));
  out.push('');
  out.push('| Scenario | req/s | p50 ms | p99 ms | errors / non-2xx | CPU ms/request (user + sys) | simulator CPU ms/request |');
  out.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const x of r.scenarios) {
    const simCpu = x.process === 'sim' ? '(same)' : String(x.cpuMsPerRequestByProcess.sim ?? '');
    out.push(`| ${x.name} | ${x.rps} | ${x.p50} | ${x.p99} | ${x.errors} / ${x.non2xx} | ${x.cpuMsPerRequest} (${x.userMsPerRequest} + ${x.sysMsPerRequest}, ${x.process}) | ${simCpu} |`);
  }
  out.push('');
  out.push(`Gateway/floor CPU per request: **${r.ratios.nonStreamEqualRateCpuGatewayOverFloor}×** non-streaming at an equal ${r.ratios.nonStreamEqualRate} req/s; ` +
    `${r.ratios.nonStreamCpuGatewayOverFloor}× non-streaming and ${r.ratios.streamCpuGatewayOverFloor}× streaming with both saturated.`);
  out.push('');
  out.push(`${s.streams} concurrent streams of ${s.tokens} tokens (simulator frame delay ${s.frameDelayMs} ms): ` +
    `${s.completed}/${s.streams} complete with the exact text and \`data: [DONE]\`, in ${round(s.wallMs / 1000, 1)} s ` +
    `(per stream p50 ${round(s.p50Ms / 1000, 1)} s, max ${round(s.maxMs / 1000, 1)} s); gateway RSS ${s.baselineRssMb} MB → peak ${s.peakRssMb} MB ` +
    `(**+${s.growthMb} MB**), ${s.rssAfterMb} MB 2 s later; a second identical round: ${s.secondRound.completed}/${s.streams}, ` +
    `peak ${s.secondRound.peakRssMb} MB, ${s.secondRound.rssAfterMb} MB after. Gateway CPU for the round: ${s.gatewayCpuMs} ms ` +
    `(${round(s.gatewayCpuMs / (s.streams * s.tokens) * 1000, 1)} µs per token).`);
  out.push('');
  const settle = r.idle.settleAfterLoad as Settle | undefined;
  out.push(`Idle gateway CPU: ${r.idle.idleFreshMsPerS} ms/s after start-up, ${r.idle.idleAfterLoadMsPerS} ms/s after the load, ` +
    `${stalled.cpuMsPerS} ms/s with ${stalled.open} streams stalled upstream for ${stalled.windowS} s ` +
    `(${stalled.heartbeatsReceived} heartbeats sent, default 15 s interval).` +
    (settle ? ` Measured after V8's one-off heap shrink that follows the load: waited ${settle.seconds} s, RSS ${settle.rssFromMb} → ${settle.rssToMb} MB, ${settle.cpuMs} CPU ms in all.` : ''));
  out.push('');
  out.push('| Target | Measured | Result |');
  out.push('|---|---|---|');
  for (const t of r.targets) out.push(`| ${t.target} | ${t.value} | ${t.pass ? 'PASS' : '**FAIL**'} |`);
  out.push('');
  if (r.gatewayLog.warningsAndErrors > 0) {
    out.push(`Gateway warn/error log lines during the run (of ${r.gatewayLog.lines} lines): ` +
      Object.entries(r.gatewayLog.kinds).map(([k, n]) => `${n} × \`${k}\``).join('; ') + ' (samples in bench/results.json).');
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

let cleaningUp = false;
process.on('exit', killChildrenNow);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (cleaningUp) return;
    cleaningUp = true;
    log(`${sig}: stopping children`);
    void stopChildren(1000).finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  process.stderr.write(`[bench] run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  for (const d of deadChildren()) process.stderr.write(`[bench] ${d}\n`);
  process.exitCode = 1;
} finally {
  cleaningUp = true;
  // A profiled gateway needs time to write its profile on the way out.
  await stopChildren(process.env.BENCH_GATEWAY_NODE_ARGS ? 20_000 : 3000);
}
