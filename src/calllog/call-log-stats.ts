// Statistics over the call log's window in one pass: success rate, latency percentiles, counts per
// model / account / API key / status / failure kind, and time buckets for charts.
import type { CallLogRecord } from '../store/index.js';
import { compileFilter, type CallLogFilter, type EntrySource } from './call-log-query.js';

export type BucketSize = 'minute' | 'hour' | 'day';

const BUCKET_MS: Record<BucketSize, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
/** At most this many buckets are returned; a finer size that would need more is coarsened. */
const MAX_BUCKETS = 1500;

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  avg: number | null;
  max: number | null;
}

export interface CountRow {
  total: number;
  success: number;
  failed: number;
}

export interface TimeBucket extends CountRow {
  /** Bucket start, epoch ms. */
  t: number;
  /** Median latency of the bucket's calls (ms), null when empty. */
  p50LatencyMs: number | null;
  /** 95th percentile latency of the bucket's calls (ms), null when empty (the console's chart). */
  p95LatencyMs: number | null;
}

export interface CallLogStats extends CountRow {
  /** Range considered (epoch ms); null bounds when the log is empty. */
  from: number | null;
  to: number;
  /** success / total, 0..1; null when there were no calls. */
  successRate: number | null;
  latencyMs: Percentiles;
  ttfbMs: Percentiles;
  tokens: { prompt: number; completion: number };
  bytes: number;
  byModel: Array<CountRow & { model: string; p50LatencyMs: number | null }>;
  byAccount: Array<CountRow & { account: string }>;
  byApiKey: Array<CountRow & { apiKey: string }>;
  byStatus: Array<{ status: number; count: number }>;
  errorsByKind: Array<{ kind: string; count: number }>;
  buckets: { size: BucketSize; items: TimeBucket[] };
}

export interface StatsOptions {
  filter: CallLogFilter;
  /** "auto" picks minute up to 3 hours, hour up to 7 days, else day. */
  bucket: BucketSize | 'auto';
  now: number;
}

/** Nearest-rank percentile of an ascending array. */
function pct(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i] ?? null;
}

function percentiles(values: Float64Array): Percentiles {
  if (values.length === 0) return { p50: null, p95: null, p99: null, avg: null, max: null };
  values.sort();
  let sum = 0;
  for (const v of values) sum += v;
  return {
    p50: pct(values, 0.5),
    p95: pct(values, 0.95),
    p99: pct(values, 0.99),
    avg: Math.round((sum / values.length) * 10) / 10,
    max: values[values.length - 1] ?? null,
  };
}

class Counter {
  readonly rows = new Map<string, CountRow>();

  add(key: string, ok: boolean): void {
    let row = this.rows.get(key);
    if (!row) {
      row = { total: 0, success: 0, failed: 0 };
      this.rows.set(key, row);
    }
    row.total++;
    if (ok) row.success++;
    else row.failed++;
  }

  sorted<K extends string>(name: K): Array<CountRow & Record<K, string>> {
    return [...this.rows]
      .map(([key, row]) => ({ [name]: key, ...row }) as CountRow & Record<K, string>)
      .sort((a, b) => b.total - a.total);
  }
}

/** Growable list of numbers in a typed array (no boxing for 100 000 latencies). */
class NumberList {
  private buf: Float64Array;
  length = 0;

  constructor(initial = 1024) {
    this.buf = new Float64Array(initial);
  }

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

export function pickBucketSize(span: number, wanted: BucketSize | 'auto'): BucketSize {
  let size: BucketSize = wanted === 'auto' ? (span <= 3 * 3_600_000 ? 'minute' : span <= 7 * 86_400_000 ? 'hour' : 'day') : wanted;
  if (size === 'minute' && span / BUCKET_MS.minute > MAX_BUCKETS) size = 'hour';
  if (size === 'hour' && span / BUCKET_MS.hour > MAX_BUCKETS) size = 'day';
  return size;
}

export function computeStats(src: EntrySource, opts: StatsOptions): CallLogStats {
  const match = compileFilter(opts.filter);
  const matched: CallLogRecord[] = [];
  let minTime = Infinity;
  for (let i = 0; i < src.size; i++) {
    const r = src.at(i) as CallLogRecord;
    if (match && !match(r)) continue;
    matched.push(r);
    if (r.time < minTime) minTime = r.time;
  }
  const to = opts.filter.to ?? Math.max(opts.now, matched.length > 0 ? (matched[matched.length - 1]?.time ?? 0) + 1 : 0);
  const from = opts.filter.from ?? (matched.length > 0 ? minTime : null);
  // Buckets cover [from, to), starting no earlier than the oldest matching call.
  const bucketFrom = from === null ? null : matched.length > 0 ? Math.max(from, minTime) : from;
  const size = pickBucketSize(bucketFrom === null ? 0 : to - bucketFrom, opts.bucket);
  const step = BUCKET_MS[size];
  const lastBucket = Math.floor((to - 1) / step) * step;
  const firstBucket = bucketFrom === null ? 0 : Math.max(Math.floor(bucketFrom / step) * step, lastBucket - (MAX_BUCKETS - 1) * step);
  const nBuckets = bucketFrom === null ? 0 : Math.max(0, (lastBucket - firstBucket) / step + 1);
  const bucketRows: CountRow[] = Array.from({ length: nBuckets }, () => ({ total: 0, success: 0, failed: 0 }));
  const bucketLatency: NumberList[] = Array.from({ length: nBuckets }, () => new NumberList(8));

  const models = new Counter();
  const accounts = new Counter();
  const apiKeys = new Counter();
  const modelLatency = new Map<string, NumberList>();
  const statuses = new Map<number, number>();
  const kinds = new Map<string, number>();
  const latency = new NumberList();
  const ttfb = new NumberList();
  let success = 0;
  let prompt = 0;
  let completion = 0;
  let bytes = 0;

  for (const r of matched) {
    const ok = r.status < 400;
    if (ok) success++;
    latency.push(r.latencyMs);
    if (r.ttfbMs !== undefined) ttfb.push(r.ttfbMs);
    prompt += r.promptTokens ?? 0;
    completion += r.completionTokens ?? 0;
    bytes += r.bytes ?? 0;
    const model = r.model ?? '(none)';
    models.add(model, ok);
    let ml = modelLatency.get(model);
    if (!ml) modelLatency.set(model, (ml = new NumberList(64)));
    ml.push(r.latencyMs);
    if (r.account !== undefined) accounts.add(r.account, ok);
    if (r.apiKey !== undefined) apiKeys.add(r.apiKey, ok);
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    if (!ok) {
      const kind = r.kind ?? r.error ?? `http_${r.status}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const b = Math.floor((r.time - firstBucket) / step);
    const row = b >= 0 ? bucketRows[b] : undefined;
    if (row) {
      row.total++;
      if (ok) row.success++;
      else row.failed++;
      bucketLatency[b]?.push(r.latencyMs);
    }
  }

  const total = matched.length;
  return {
    from,
    to,
    total,
    success,
    failed: total - success,
    successRate: total === 0 ? null : success / total,
    latencyMs: percentiles(latency.view()),
    ttfbMs: percentiles(ttfb.view()),
    tokens: { prompt, completion },
    bytes,
    byModel: models.sorted('model').map((m) => ({ ...m, p50LatencyMs: pct(modelLatency.get(m.model)?.view().sort() ?? new Float64Array(0), 0.5) })),
    byAccount: accounts.sorted('account'),
    byApiKey: apiKeys.sorted('apiKey'),
    byStatus: [...statuses].map(([status, count]) => ({ status, count })).sort((a, b) => a.status - b.status),
    errorsByKind: [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count),
    buckets: {
      size,
      items: bucketRows.map((row, i) => {
        const sorted = bucketLatency[i]?.view().sort() ?? new Float64Array(0);
        return { t: firstBucket + i * step, ...row, p50LatencyMs: pct(sorted, 0.5), p95LatencyMs: pct(sorted, 0.95) };
      }),
    },
  };
}
