// Call log and admin listing benchmark: queries and statistics over 100 000 call-log entries (the
// console's log page and charts), the token table over 10 000 accounts, recording cost per call,
// and the file store's append and start-up load.
// Run: npx tsx bench/calllog.ts   (BENCH_CALLLOG_ENTRIES, BENCH_ACCOUNTS to change the sizes)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AccountPool } from '../src/accounts/index.js';
import { newAccountRecord } from '../src/accounts/pool-account.js';
import { listTokens } from '../src/admin/token-listing.js';
import { CallLog, arraySource, computeStats, queryEntries } from '../src/calllog/index.js';
import type { FinishedCall } from '../src/calllog/index.js';
import { createStore } from '../src/store/index.js';
import { syntheticEntries } from '../test/calllog/synthetic.js';

const ENTRIES = Number(process.env.BENCH_CALLLOG_ENTRIES ?? 100_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 10_000);

/** Median of `runs` timings of `fn`, in ms (after one warm-up run). */
function time(fn: () => unknown, runs = 15): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return Number((t[Math.floor(t.length / 2)] ?? 0).toFixed(2));
}

export interface CallLogBenchResult {
  entries: number;
  queryAllMs: number;
  queryFilteredMs: number;
  queryDeepPageMs: number;
  statsAllMs: number;
  statsFilteredMs: number;
  recordUs: number;
  accounts: number;
  tokenListMs: number;
  tokenListFilteredMs: number;
  fileAppend10kMs: number;
  fileLoadMs: number;
}

export async function runCallLogBench(): Promise<CallLogBenchResult> {
  const entries = syntheticEntries(ENTRIES, 42);
  const src = arraySource(entries);
  const now = (entries.at(-1)?.time ?? 0) + 1000;
  const mid = entries[Math.floor(ENTRIES / 2)]?.time;

  const queryAllMs = time(() => queryEntries(src, {}, 1, 50));
  const queryFilteredMs = time(() => queryEntries(src, { model: 'grok-chat-expert', status: 'error', from: mid }, 1, 50));
  const queryDeepPageMs = time(() => queryEntries(src, { account: 'sso-to****0007' }, 80, 50));
  const statsAllMs = time(() => computeStats(src, { filter: {}, bucket: 'auto', now }), 7);
  const statsFilteredMs = time(() => computeStats(src, { filter: { apiKey: 'sk-key****0001', from: mid }, bucket: 'minute', now }), 7);

  // Recording through the service (what each finished call costs the request path).
  const sink = { append: async () => undefined, loadRecent: async () => [], deleteBefore: async () => 0 };
  const log = await CallLog.create({ store: sink, logger: pino({ level: 'silent' }), settings: () => ({ flushMs: 60_000, maxEntries: ENTRIES }) });
  const calls: FinishedCall[] = entries.slice(0, 50_000).map((e) => ({
    ...e,
    kind: e.kind as FinishedCall['kind'],
    upstream: e.upstream?.map((u) => ({ account: u.account, kind: u.kind, status: u.status })),
    startedAt: e.time,
    firstByteMs: e.ttfbMs,
  }));
  const r0 = performance.now();
  for (const c of calls) log.listener(c);
  const recordUs = Number((((performance.now() - r0) * 1000) / calls.length).toFixed(3));
  await log.close();

  // The token table over ACCOUNTS accounts.
  const pool = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 1, preferHigherTier: false }));
  const tiers = ['basic', 'super', 'heavy'] as const;
  for (let i = 0; i < ACCOUNTS; i++) {
    const rec = newAccountRecord(`sso-bench-token-${i}-${'x'.repeat(30)}`, tiers[i % 3] as (typeof tiers)[number], 1_700_000_000_000 + i, { tags: i % 7 === 0 ? ['vip'] : [] });
    rec.calls = (i * 7919) % 1000;
    pool.upsertRecord(rec);
  }
  const tokenListMs = time(() => listTokens(pool.all(), { filter: {}, sort: 'createdAt', order: 'desc', page: 1, pageSize: 50 }));
  const tokenListFilteredMs = time(() => listTokens(pool.all(), { filter: { tier: ['super'], text: '99' }, sort: 'calls', order: 'desc', page: 2, pageSize: 100 }));

  // File store: appending 10 000 entries in 2 s batches of 500, then loading 100 000 at start-up.
  const dir = mkdtempSync(join(tmpdir(), 'g2a-bench-calllog-'));
  const store = await createStore({ mode: 'file', url: '', dataDir: dir });
  const f0 = performance.now();
  for (let i = 0; i < 10_000; i += 500) await store.callLogs.append(entries.slice(i, i + 500), ENTRIES);
  const fileAppend10kMs = Number((performance.now() - f0).toFixed(1));
  await store.callLogs.append(entries.slice(10_000), ENTRIES);
  await store.close();
  const again = await createStore({ mode: 'file', url: '', dataDir: dir });
  const l0 = performance.now();
  const loaded = await again.callLogs.loadRecent(ENTRIES);
  const fileLoadMs = Number((performance.now() - l0).toFixed(1));
  if (loaded.length !== ENTRIES) throw new Error(`loaded ${loaded.length} of ${ENTRIES}`);
  await again.close();
  rmSync(dir, { recursive: true, force: true });

  return {
    entries: ENTRIES,
    queryAllMs,
    queryFilteredMs,
    queryDeepPageMs,
    statsAllMs,
    statsFilteredMs,
    recordUs,
    accounts: ACCOUNTS,
    tokenListMs,
    tokenListFilteredMs,
    fileAppend10kMs,
    fileLoadMs,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runCallLogBench();
  console.log(JSON.stringify(r, null, 2));
  const check = (label: string, v: number, target: number, unit = 'ms'): void => console.log(`${label} ${v} ${unit} (target < ${target}): ${v < target ? 'PASS' : 'FAIL'}`);
  check(`log query over ${r.entries} entries, filtered`, r.queryFilteredMs, 200);
  check(`log stats over ${r.entries} entries`, r.statsAllMs, 200);
  check(`token list over ${r.accounts} accounts`, r.tokenListMs, 100);
  check('recording one call', r.recordUs, 20, 'µs');
  check(`file start-up load of ${r.entries} entries`, r.fileLoadMs, 3000);
}
