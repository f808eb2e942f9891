// One upstream chat call with its watchdogs: an idle timer (no event for N seconds) and a total
// request timer. Both abort the upstream socket and surface as a `timeout` failure, so the retry
// layer and the client see one classified error instead of a hang.
import type { GrokEvent } from '../grok/events.js';
import { GrokUpstreamError, classifyTransportError } from '../grok/errors.js';
import type { ChatStreamResult, GrokRoute } from '../grok/index.js';

export interface UpstreamChatOpener {
  openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortSignal; referer?: string; route?: GrokRoute },
  ): Promise<ChatStreamResult>;
}

export interface WatchdogTimes {
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

export class UpstreamChat {
  private readonly controller = new AbortController();
  private iterator: AsyncIterator<GrokEvent> | undefined;
  private stream: ChatStreamResult | undefined;
  /** One timer per call: it fires on silence, and on each firing or event the total cap is checked too. */
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private timedOut: 'idle' | 'total' | undefined;
  private closed = false;
  private readonly onOuterAbort = (): void => this.abort();

  constructor(
    private readonly times: WatchdogTimes,
    private readonly outerSignal: AbortSignal | undefined,
  ) {
    outerSignal?.addEventListener('abort', this.onOuterAbort, { once: true });
    const first = Math.min(times.idleTimeoutMs > 0 ? times.idleTimeoutMs : Infinity, times.requestTimeoutMs > 0 ? times.requestTimeoutMs : Infinity);
    if (first !== Infinity) this.timer = setTimeout(() => this.onTimer(), first);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private onTimer(): void {
    const elapsed = Date.now() - this.startedAt;
    const total = this.times.requestTimeoutMs;
    if (total > 0 && elapsed >= total) return this.fireTimeout('total');
    if (this.times.idleTimeoutMs > 0) return this.fireTimeout('idle');
    // Only a total cap is set: wait for the rest of it.
    this.timer = setTimeout(() => this.onTimer(), total - elapsed);
  }

  /** Data arrived: silence starts over, unless the total cap comes first. */
  private touch(): void {
    if (!this.timer || this.times.idleTimeoutMs <= 0) return;
    const total = this.times.requestTimeoutMs;
    if (total > 0 && Date.now() - this.startedAt + this.times.idleTimeoutMs > total) {
      // The idle window would end after the total cap: let the cap decide when it is due.
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.onTimer(), Math.max(0, total - (Date.now() - this.startedAt)));
      return;
    }
    this.timer.refresh();
  }

  private fireTimeout(which: 'idle' | 'total'): void {
    if (this.closed) return;
    this.timedOut = which;
    this.abort();
  }

  private timeoutError(): GrokUpstreamError {
    const secs = Math.round((this.timedOut === 'idle' ? this.times.idleTimeoutMs : this.times.requestTimeoutMs) / 1000);
    return new GrokUpstreamError({
      kind: 'timeout',
      status: 0,
      message:
        this.timedOut === 'idle'
          ? `Grok sent nothing for ${secs}s (chat.stream_idle_timeout)`
          : `Grok call exceeded ${secs}s (chat.request_timeout)`,
    });
  }

  async open(opener: UpstreamChatOpener, token: string, body: Record<string, unknown>, referer?: string, route?: GrokRoute): Promise<void> {
    try {
      this.stream = await opener.openChat(token, body, { signal: this.controller.signal, ...(referer ? { referer } : {}), ...(route ? { route } : {}) });
      this.iterator = this.stream.events[Symbol.asyncIterator]();
      this.touch();
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** The next upstream event, or undefined at the end. Throws a classified GrokUpstreamError. */
  async next(): Promise<GrokEvent | undefined> {
    if (!this.iterator) throw new Error('UpstreamChat.next() before open()');
    try {
      const r = await this.iterator.next();
      // An aborted body may end quietly instead of throwing: a timeout must still surface.
      if (this.timedOut) throw this.timeoutError();
      this.touch();
      return r.done ? undefined : r.value;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  private mapError(err: unknown): unknown {
    if (this.timedOut) return this.timeoutError();
    if (this.outerSignal?.aborted) return err;
    return err instanceof GrokUpstreamError ? err : classifyTransportError(err);
  }

  /** Stops the upstream call now (client gone, or we are done with it). Idempotent. */
  abort(): void {
    if (!this.controller.signal.aborted) this.controller.abort();
    this.stream?.abort();
    this.close();
  }

  /** Releases timers and listeners; aborts the upstream body if it is still open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.outerSignal?.removeEventListener('abort', this.onOuterAbort);
    // Ending iteration early must not leave the socket open.
    void this.iterator?.return?.().catch(() => undefined);
    this.stream?.abort();
  }
}
