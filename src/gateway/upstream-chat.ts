// One upstream chat call with its watchdogs: an idle timer (no event for N seconds) and a total
// request timer. Both abort the upstream socket and surface as a `timeout` failure, so the retry
// layer and the client see one classified error instead of a hang.
import type { GrokEvent } from '../grok/events.js';
import { GrokUpstreamError, classifyTransportError } from '../grok/errors.js';
import type { ChatStreamResult } from '../grok/index.js';

export interface UpstreamChatOpener {
  openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortSignal; referer?: string },
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
  private idleTimer: NodeJS.Timeout | undefined;
  private totalTimer: NodeJS.Timeout | undefined;
  private timedOut: 'idle' | 'total' | undefined;
  private closed = false;
  private readonly onOuterAbort = (): void => this.abort();

  constructor(
    private readonly times: WatchdogTimes,
    private readonly outerSignal: AbortSignal | undefined,
  ) {
    outerSignal?.addEventListener('abort', this.onOuterAbort, { once: true });
    if (times.requestTimeoutMs > 0) {
      this.totalTimer = setTimeout(() => this.fireTimeout('total'), times.requestTimeoutMs);
    }
    if (times.idleTimeoutMs > 0) {
      this.idleTimer = setTimeout(() => this.fireTimeout('idle'), times.idleTimeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
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

  async open(opener: UpstreamChatOpener, token: string, body: Record<string, unknown>, referer?: string): Promise<void> {
    try {
      this.stream = await opener.openChat(token, body, { signal: this.controller.signal, ...(referer ? { referer } : {}) });
      this.iterator = this.stream.events[Symbol.asyncIterator]();
      this.idleTimer?.refresh();
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
      this.idleTimer?.refresh();
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
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.totalTimer) clearTimeout(this.totalTimer);
    this.outerSignal?.removeEventListener('abort', this.onOuterAbort);
    // Ending iteration early must not leave the socket open.
    void this.iterator?.return?.().catch(() => undefined);
    this.stream?.abort();
  }
}
