// `stop` and `max_tokens` for a model that has neither: the gateway cuts its own output.
// - Stop sequences are found across chunk boundaries: the longest tail that could still grow into
//   a stop sequence is held back, so the client never sees part of one. The answer ends right
//   before the first stop sequence (which is not sent), finish_reason "stop".
// - The token budget uses the gateway's own estimator (usage.ts), the same one usage reports, so
//   `completion_tokens` never exceeds `max_tokens`. The cut falls where the next token would start.
// Once either limit is reached, `reached` says so and the caller cancels the upstream turn.
import { estimateTokens } from './usage.js';

export class OutputLimiter {
  private held = '';
  /** Answer text let through so far (for exact token counts near the budget). */
  private passed = '';
  /** Upper bound of estimateTokens(passed): chunk estimates summed (a split word counts twice). */
  private approx = 0;
  private readonly maxHold: number;
  private _reached: 'stop' | 'length' | undefined;
  private _stopSequence: string | undefined;

  constructor(
    private readonly stops: readonly string[],
    private readonly maxTokens: number | undefined,
  ) {
    this.maxHold = stops.reduce((m, s) => Math.max(m, s.length - 1), 0);
  }

  get reached(): 'stop' | 'length' | undefined {
    return this._reached;
  }

  /** The stop sequence that ended the answer (APIs such as Anthropic's report which one). */
  get stopSequence(): string | undefined {
    return this._stopSequence;
  }

  /** True when there is anything to enforce. */
  get active(): boolean {
    return this.stops.length > 0 || this.maxTokens !== undefined;
  }

  /** The part of `text` that may go out now ('' once a limit was reached). */
  push(text: string): string {
    if (this._reached || text === '') return '';
    if (this.stops.length === 0) return this.budget(text);
    const s = this.held + text;
    let cut = -1;
    let matched: string | undefined;
    for (const stop of this.stops) {
      const i = s.indexOf(stop);
      if (i !== -1 && (cut === -1 || i < cut)) {
        cut = i;
        matched = stop;
      }
    }
    if (cut !== -1) {
      this.held = '';
      const out = this.budget(s.slice(0, cut));
      if (!this._reached) {
        this._reached = 'stop';
        this._stopSequence = matched;
      }
      return out;
    }
    const keep = this.holdLength(s);
    this.held = s.slice(s.length - keep);
    return this.budget(s.slice(0, s.length - keep));
  }

  /** The answer ended: release what was held (it cannot become a stop sequence any more). */
  finish(): string {
    if (this._reached) return '';
    const rest = this.held;
    this.held = '';
    return this.budget(rest);
  }

  /** Length of the longest tail of `s` that is a proper prefix of some stop sequence. */
  private holdLength(s: string): number {
    for (let k = Math.min(this.maxHold, s.length); k > 0; k--) {
      const tail = s.slice(s.length - k);
      if (this.stops.some((stop) => stop.startsWith(tail))) return k;
    }
    return 0;
  }

  private budget(text: string): string {
    if (this.maxTokens === undefined || text === '') {
      this.passed += text;
      return text;
    }
    this.approx += estimateTokens(text);
    if (this.approx <= this.maxTokens) {
      this.passed += text;
      return text;
    }
    const exact = estimateTokens(this.passed + text);
    if (exact <= this.maxTokens) {
      this.approx = exact;
      this.passed += text;
      return text;
    }
    // Binary search for the longest prefix that fits (the estimate only grows with the text).
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (estimateTokens(this.passed + text.slice(0, mid)) <= this.maxTokens) lo = mid;
      else hi = mid - 1;
    }
    // Never split a surrogate pair.
    if (lo > 0 && lo < text.length) {
      const c = text.charCodeAt(lo - 1);
      if (c >= 0xd800 && c <= 0xdbff) lo--;
    }
    const out = text.slice(0, lo);
    this.passed += out;
    this._reached = 'length';
    return out;
  }
}
