// A cheap stand-in for AbortController + AbortSignal on the per-request hot path.
// Why: on Node 20 creating an AbortController and adding one listener costs ~6-8 µs (the signal is
// made transferable at construction), and the chat path needed two per request plus the listener
// undici adds: a large share of the gateway's CPU per request. The chat path only ever reads
// `aborted`/`reason` and adds/removes 'abort' listeners, which is all `AbortLike` promises; undici's
// request() accepts such an object too (it duck-types the signal). Code that needs a real
// AbortSignal (AbortSignal.any, fetch, impit) asks for `.signal`, made on first use only.

/** What the chat path needs from an abort signal. A real AbortSignal satisfies it. */
export interface AbortLike {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

function abortError(): Error {
  // The same reason AbortController.abort() gives when called without one.
  return new DOMException('This operation was aborted', 'AbortError');
}

/** An AbortController and its signal in one object. */
export class Cancellation implements AbortLike {
  aborted = false;
  reason: unknown = undefined;
  private listeners: Array<() => void> | undefined;
  private real: AbortController | undefined;

  addEventListener(_type: 'abort', listener: () => void, _options?: { once?: boolean }): void {
    // Like EventTarget: a listener added after the abort never runs. Every listener runs at most
    // once (there is only one abort), so `once` needs no bookkeeping.
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const list = this.listeners;
    if (!list) return;
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
  }

  abort(reason: unknown = abortError()): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.listeners;
    this.listeners = undefined;
    if (list) for (const listener of list) listener();
    this.real?.abort(reason);
  }

  /** A real AbortSignal that follows this one (created on first use, for APIs that need one). */
  get signal(): AbortSignal {
    if (!this.real) {
      this.real = new AbortController();
      if (this.aborted) this.real.abort(this.reason);
    }
    return this.real.signal;
  }
}

/** A real AbortSignal for `s` (itself when it already is one). */
export function toAbortSignal(s: AbortLike): AbortSignal {
  if (s instanceof AbortSignal) return s;
  if (s instanceof Cancellation) return s.signal;
  const ctl = new AbortController();
  if (s.aborted) ctl.abort(s.reason);
  else s.addEventListener('abort', () => ctl.abort(s.reason), { once: true });
  return ctl.signal;
}

/** Waits `ms`, or less when `signal` aborts first (resolves either way; the caller checks). */
export function sleepUnlessAborted(ms: number, signal: AbortLike | undefined): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
