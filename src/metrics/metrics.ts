// Prometheus metrics: request and upstream counters fed by one call listener (a few counter
// increments per finished call, nothing else on the request path), and gauges read at scrape time
// from whoever registers them (account pool, store, streams; proxies and the call log later).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FinishedCall } from '../calllog/index.js';

/** One labelled sample of a gauge or counter read at scrape time. */
export interface LabelledValue {
  labels: Record<string, string>;
  value: number;
}

/** What a scrape-time collector returns: one number (no labels) or one value per label set. */
export type Collected = number | readonly LabelledValue[];

export interface MetricsOptions {
  /** True when a model id names a configured model (others are counted as "other", so a client cannot inflate the label set). */
  knownModel?: (id: string) => boolean;
}

const TTFB_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60];
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];

// Process metrics (CPU, memory, event loop, GC) describe the process, not one gateway: one
// registry per process, created on first use, shared by every Metrics instance (tests build many).
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

interface CallChildren {
  requests: { inc(): void };
  duration: { observe(v: number): void };
  /** Made on the first call that has a time to first byte (streams), so others add no empty series. */
  ttfb: { observe(v: number): void } | undefined;
}

function childOf<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let child = cache.get(key);
  if (child === undefined) {
    child = make();
    cache.set(key, child);
  }
  return child;
}

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'endpoint' | 'model' | 'status'>;
  private readonly upstream: Counter<'kind' | 'status'>;
  private readonly retries: Counter;
  private readonly failures: Counter<'kind'>;
  private readonly ttfb: Histogram<'endpoint' | 'model'>;
  private readonly duration: Histogram<'endpoint' | 'model' | 'stream'>;
  private readonly knownModel: (id: string) => boolean;

  constructor(opts: MetricsOptions = {}) {
    this.knownModel = opts.knownModel ?? (() => true);
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'grok2api_requests_total',
      help: 'Finished API calls by route, model and HTTP status sent (499 = the client went away first)',
      labelNames: ['endpoint', 'model', 'status'],
      registers,
    });
    this.upstream = new Counter({
      name: 'grok2api_upstream_requests_total',
      help: 'Upstream (Grok) attempts by outcome kind ("ok" or a failure kind) and upstream HTTP status (0 = no HTTP answer)',
      labelNames: ['kind', 'status'],
      registers,
    });
    this.retries = new Counter({
      name: 'grok2api_retries_total',
      help: 'Extra upstream attempts made on another account (attempts - 1, summed over calls)',
      registers,
    });
    this.failures = new Counter({
      name: 'grok2api_request_failures_total',
      help: 'Calls that ended in an upstream failure, by the failure kind the client was told about',
      labelNames: ['kind'],
      registers,
    });
    this.ttfb = new Histogram({
      name: 'grok2api_time_to_first_byte_seconds',
      help: 'Time from request arrival to the first answer byte sent to the client (streams)',
      labelNames: ['endpoint', 'model'],
      buckets: TTFB_BUCKETS,
      registers,
    });
    this.duration = new Histogram({
      name: 'grok2api_request_duration_seconds',
      help: 'Total time from request arrival until the response was complete',
      labelNames: ['endpoint', 'model', 'stream'],
      buckets: DURATION_BUCKETS,
      registers,
    });
  }

  // Labelled children by their label values: prom-client hashes a label object (sorting its keys)
  // on every inc/observe, and this runs for every call. One key per call picks the request counter,
  // duration histogram and TTFB histogram children together. The label sets are bounded (routes,
  // configured models or "other", statuses), so are these maps.
  private readonly callChildren = new Map<string, CallChildren>();
  private readonly upstreamChildren = new Map<string, { inc(): void }>();

  /** The call listener (app/build-server.ts `callListeners`). */
  readonly onCall = (call: FinishedCall): void => {
    const endpoint = call.route ?? 'unmatched';
    // A model id no configured model has is counted as "other": clients cannot grow the label set.
    const model = call.model === undefined ? '' : this.knownModel(call.model) ? call.model : 'other';
    const stream = call.stream === true ? 'true' : 'false';
    const key = `${endpoint}\u0000${model}\u0000${call.status}\u0000${stream}`;
    let children = this.callChildren.get(key);
    if (children === undefined) {
      children = {
        requests: this.requests.labels(endpoint, model, String(call.status)),
        duration: this.duration.labels(endpoint, model, stream),
        ttfb: undefined,
      };
      this.callChildren.set(key, children);
    }
    children.requests.inc();
    children.duration.observe(call.latencyMs / 1000);
    if (call.firstByteMs !== undefined) (children.ttfb ??= this.ttfb.labels(endpoint, model)).observe(call.firstByteMs / 1000);
    const attempts = call.upstream;
    if (attempts && attempts.length > 0) {
      if (attempts.length > 1) this.retries.inc(attempts.length - 1);
      attempts.forEach((a, i) => {
        // The last attempt of a stream that failed after it opened is recorded as a success when
        // it opened; the call's kind says how it really ended.
        const kind = a.kind ?? (i === attempts.length - 1 && call.kind ? call.kind : 'ok');
        const status = String(a.status);
        childOf(this.upstreamChildren, `${kind}\u0000${status}`, () => this.upstream.labels(kind, status)).inc();
      });
    }
    if (call.kind) this.failures.inc({ kind: call.kind });
  };

  /**
   * Adds a gauge read when Prometheus scrapes (the extension point for other parts: proxy health,
   * call-log queue depth, ...). `collect` must be cheap and must not throw.
   */
  registerGauge(name: string, help: string, collect: () => Collected, labelNames: readonly string[] = []): void {
    const gauge: Gauge<string> = new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => fill(gauge, collect()),
    });
  }

  /** Like registerGauge for a running total kept elsewhere (must only grow; read at scrape time). */
  registerCounter(name: string, help: string, collect: () => Collected, labelNames: readonly string[] = []): void {
    const counter: Counter<string> = new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect: () => {
        const value = collect();
        counter.reset();
        if (typeof value === 'number') counter.inc(value);
        else for (const v of value) counter.inc(v.labels, v.value);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The exposition text: this gateway's metrics, then the process's. */
  async render(): Promise<string> {
    const own = await this.registry.metrics();
    const proc = await processMetrics().metrics();
    return `${own}${own.endsWith('\n') || own === '' ? '' : '\n'}${proc}`;
  }
}

function fill(gauge: Gauge<string>, value: Collected): void {
  gauge.reset();
  if (typeof value === 'number') gauge.set(value);
  else for (const v of value) gauge.set(v.labels, v.value);
}
