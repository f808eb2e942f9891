// Protocol-drift sampling cost: the mgw event parser over a realistic frame mix (handshake,
// reasoning, search card, answer deltas, citations, response.done), with and without a drift
// monitor at the default rate (0.05), and with every frame checked (rate 1) for reference.
// The figure that matters is the extra time per message at the default rate (target < 2 µs).
// Run: npm run bench:drift
import { readFileSync } from 'node:fs';
import { DriftMonitor, checkMgwFrame } from '../src/grok/drift/index.js';
import { MgwEventParser, type MgwDriftProbe } from '../src/grok/mgw/mgw-events.js';

const FIXTURES = ['reasoning-answer.jsonl', 'search-citation.jsonl', 'card-image.jsonl'];
const frames = FIXTURES.flatMap((f) => readFileSync(new URL(`../test/fixtures/mgw/${f}`, import.meta.url), 'utf8').split('\n').filter((l) => l !== ''));
// Split into turns at each session.created for our event, so each turn gets a fresh parser.
const turns: string[][] = [];
for (const line of frames) {
  if (line.includes('"session.created"') && line.includes('evt_init_fixture')) turns.push([]);
  turns[turns.length - 1]?.push(line);
}
const ROUNDS = Number(process.env.BENCH_DRIFT_ROUNDS ?? 5_000);

function run(probe: () => MgwDriftProbe | undefined): { ns: number; messages: number } {
  let messages = 0;
  const start = process.hrtime.bigint();
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of turns) {
      const p = new MgwEventParser('evt_init_fixture', undefined, probe());
      for (const line of t) {
        messages++;
        try {
          p.parse(line);
        } catch {
          // error fixtures end their turn
        }
      }
    }
  }
  return { ns: Number(process.hrtime.bigint() - start), messages };
}

const sampled = new DriftMonitor({ sampleRate: 0.05 });
const always = new DriftMonitor({ sampleRate: 1 });
const context = { source: 'mgw', model: 'auto' };
const variants: Record<'base' | 'atDefault' | 'everyFrame', () => MgwDriftProbe | undefined> = {
  base: () => undefined,
  atDefault: () => ({ monitor: sampled, context }),
  everyFrame: () => ({ monitor: always, context }),
};
// Interleaved repetitions, median of each: the machine is shared and the JIT warms up as it goes.
const REPS = Number(process.env.BENCH_DRIFT_REPS ?? 7);
const samples: Record<keyof typeof variants, number[]> = { base: [], atDefault: [], everyFrame: [] };
for (const v of Object.values(variants)) run(v);
for (let i = 0; i < REPS; i++) {
  for (const [name, v] of Object.entries(variants) as Array<[keyof typeof variants, () => MgwDriftProbe | undefined]>) {
    const { ns, messages } = run(v);
    samples[name].push(ns / messages / 1000);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const base = median(samples.base);
const atDefault = median(samples.atDefault);
const everyFrame = median(samples.everyFrame);
// The same cost measured directly (less sensitive to a busy machine): one sampling decision per
// message, plus, for the sampled share, checking the frame against the table and reporting.
const parsed = frames.flatMap((l) => {
  try {
    return [JSON.parse(l) as Record<string, unknown>];
  } catch {
    return [];
  }
});
const m = new DriftMonitor({ sampleRate: 0.05 });
const N = ROUNDS * 20;
let t0 = process.hrtime.bigint();
let hits = 0;
for (let i = 0; i < N; i++) if (m.sample()) hits++;
const sampleUs = Number(process.hrtime.bigint() - t0) / N / 1000;
t0 = process.hrtime.bigint();
for (let i = 0; i < ROUNDS; i++) for (const f of parsed) m.report(checkMgwFrame(f), context, () => null);
const checkUs = Number(process.hrtime.bigint() - t0) / (ROUNDS * parsed.length) / 1000;
const directUs = sampleUs + 0.05 * checkUs;

const result = {
  messagesPerRound: frames.length,
  parseOnlyUs: +base.toFixed(3),
  withDriftDefaultRateUs: +atDefault.toFixed(3),
  driftOverheadDefaultRateUs: +(atDefault - base).toFixed(3),
  withDriftEveryFrameUs: +everyFrame.toFixed(3),
  driftOverheadEveryFrameUs: +(everyFrame - base).toFixed(3),
  sampleDecisionUs: +sampleUs.toFixed(4),
  checkPerSampledFrameUs: +checkUs.toFixed(3),
  directOverheadDefaultRateUs: +directUs.toFixed(3),
  sampledShare: +(hits / N).toFixed(4),
  signaturesFound: sampled.list().length + always.list().length,
  targetUs: 2,
  ok: directUs < 2 && atDefault - base < 2,
};
console.log(JSON.stringify(result, null, 2));
if (!result.ok) process.exitCode = 1;
