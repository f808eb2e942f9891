// Deterministic synthetic call-log entries (tests and bench/calllog.ts).
import { newEntryId } from '../../src/calllog/index.js';
import type { CallLogRecord } from '../../src/store/index.js';

/** A small deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODELS = ['grok-chat-fast', 'grok-chat-expert', 'grok-chat-auto', 'grok-chat-heavy', 'grok-imagine-image'];
const FAILURES: Array<[number, string | undefined, string]> = [
  [429, 'rate-limited', 'rate_limit_exceeded'],
  [502, 'upstream-5xx', 'upstream_error'],
  [502, 'transport', 'upstream_unreachable'],
  [504, 'timeout', 'upstream_timeout'],
  [404, undefined, 'model_not_found'],
  [401, undefined, 'invalid_api_key'],
];

/** `n` entries, one every ~3 s (in start order), about 12% failures, over 20 accounts and 4 keys. */
export function syntheticEntries(n: number, seed: number, start = 1_790_000_000_000): CallLogRecord[] {
  const rnd = prng(seed);
  const out: CallLogRecord[] = [];
  let t = start;
  for (let i = 0; i < n; i++) {
    t += Math.floor(rnd() * 6000);
    const account = `sso-to****${String(Math.floor(rnd() * 20)).padStart(4, '0')}`;
    const failed = rnd() < 0.12 ? FAILURES[Math.floor(rnd() * FAILURES.length)] : undefined;
    const stream = rnd() < 0.6;
    const latencyMs = Math.floor(200 + rnd() * rnd() * 30_000);
    const r: CallLogRecord = {
      id: newEntryId(t),
      time: t,
      requestId: `req-${i}`,
      method: 'POST',
      endpoint: '/v1/chat/completions',
      model: MODELS[Math.floor(rnd() * rnd() * MODELS.length)] as string,
      stream,
      apiKey: `sk-key****${String(Math.floor(rnd() * 4)).padStart(4, '0')}`,
      account,
      status: failed ? failed[0] : 200,
      attempts: failed ? 1 + Math.floor(rnd() * 3) : 1,
      upstream: [{ account, status: failed ? failed[0] : 200, ...(failed?.[1] ? { kind: failed[1] } : {}) }],
      latencyMs,
      promptTokens: Math.floor(rnd() * 2000),
      completionTokens: Math.floor(rnd() * 1000),
      bytes: Math.floor(rnd() * 10_000),
    };
    if (failed?.[1] !== undefined) r.kind = failed[1];
    if (failed) r.error = failed[2];
    if (stream && !failed) r.ttfbMs = Math.floor(latencyMs * rnd());
    out.push(r);
  }
  return out;
}
