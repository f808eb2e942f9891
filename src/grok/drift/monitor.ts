// Protocol-drift bookkeeping: decides which upstream messages are checked (a cheap counter, no
// allocation), and keeps every distinct finding as a signature (kind + path + type) with a count,
// first/last seen, the models and sources it was met on, and one redacted sample. Bounded: at most
// `maxSignatures` signatures (later new ones are only counted as dropped), so the metrics label set
// and the memory stay bounded whatever upstream sends.
import type { DriftFinding, DriftKind } from './check.js';
import { redactSample, redactText } from './redact.js';

export interface DriftLogger {
  warn(obj: object, msg: string): void;
}

export interface DriftContext {
  /** Which parser met it: mgw, rest, session, upload, quota, rate-limits, imagine. */
  source: string;
  /** The Grok model/mode of the call, when there is one. */
  model?: string | undefined;
}

export interface DriftSignature {
  signature: string;
  kind: DriftKind;
  path: string;
  type: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
  models: string[];
  sources: string[];
  /** The first message that showed it, redacted (no credentials, no user text, short strings). */
  sample: unknown;
}

export interface DriftMonitorOptions {
  /** Share of messages checked, 0..1 (errors and answerless turns are always checked). */
  sampleRate?: number | undefined;
  maxSignatures?: number | undefined;
  logger?: DriftLogger | undefined;
  now?: (() => number) | undefined;
}

const MAX_TAGS = 10;

export class DriftMonitor {
  sampleRate: number;
  logger: DriftLogger | undefined;
  private acc = 0;
  private readonly maxSignatures: number;
  private readonly now: () => number;
  private readonly sigs = new Map<string, DriftSignature>();
  /** Findings whose signature was not kept because the table was full. */
  dropped = 0;
  /** Messages checked so far (sampled or forced). */
  checked = 0;

  constructor(o: DriftMonitorOptions = {}) {
    this.sampleRate = o.sampleRate ?? 0.05;
    this.maxSignatures = o.maxSignatures ?? 200;
    this.logger = o.logger;
    this.now = o.now ?? Date.now;
  }

  /**
   * Whether to check this message: every 1/rate-th one (an accumulator, so 0.05 checks exactly one
   * message in 20 with no random numbers and no allocation).
   */
  sample(): boolean {
    const r = this.sampleRate;
    if (r >= 1) return true;
    if (!(r > 0)) return false;
    this.acc += r;
    if (this.acc < 1) return false;
    this.acc -= 1;
    return true;
  }

  /** Records a checked message's findings; `sample` is only called for a signature met for the first time. */
  report(findings: readonly DriftFinding[], ctx: DriftContext, sample: () => unknown): void {
    this.checked++;
    for (const f of findings) this.record(f, ctx, sample);
  }

  private record(f: DriftFinding, ctx: DriftContext, sample: () => unknown): void {
    const signature = `${f.kind} ${f.path} ${f.type}`;
    const now = this.now();
    let s = this.sigs.get(signature);
    if (s === undefined) {
      if (this.sigs.size >= this.maxSignatures) {
        this.dropped++;
        return;
      }
      let kept: unknown;
      try {
        kept = sample();
      } catch {
        kept = null;
      }
      s = { signature, kind: f.kind, path: f.path, type: f.type, count: 0, firstSeen: now, lastSeen: now, models: [], sources: [], sample: kept };
      this.sigs.set(signature, s);
      this.logger?.warn({ drift: signature, kind: f.kind, path: f.path, type: f.type, source: ctx.source, model: ctx.model }, 'protocol drift: grok.com sent something the gateway does not expect');
    }
    s.count++;
    s.lastSeen = now;
    addTag(s.sources, ctx.source);
    if (ctx.model !== undefined && ctx.model !== '') addTag(s.models, ctx.model);
  }

  /** Every signature, most recent first. */
  list(): DriftSignature[] {
    return [...this.sigs.values()].sort((a, b) => b.lastSeen - a.lastSeen).map((s) => ({ ...s, models: [...s.models], sources: [...s.sources] }));
  }

  /** Counter values for `grok2api_protocol_drift_total{kind,signature}`. */
  counts(): Array<{ labels: { kind: string; signature: string }; value: number }> {
    return [...this.sigs.values()].map((s) => ({ labels: { kind: s.kind, signature: s.signature }, value: s.count }));
  }

  clear(): void {
    this.sigs.clear();
    this.dropped = 0;
  }
}

function addTag(list: string[], tag: string): void {
  if (list.length < MAX_TAGS && !list.includes(tag)) list.push(tag);
}

/** Reports a whole-answer check (rare REST answers, checked every time) with a redacted sample. */
export function reportAnswerDrift(monitor: DriftMonitor, findings: DriftFinding[], text: string, ctx: DriftContext): void {
  monitor.report(findings, ctx, () => {
    try {
      return redactSample(JSON.parse(text));
    } catch {
      return redactText(text);
    }
  });
}
