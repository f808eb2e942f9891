// One upstream chat call with its watchdogs: an idle timer (no event for N seconds) and a total
// request timer. Both abort the upstream socket and surface as a `timeout` failure, so the retry
// layer and the client see one classified error instead of a hang.
import {
  type GrokEndEvent,
  type GrokEvent,
  GrokUpstreamError,
  classifyTransportError,
  Cancellation,
  type AbortLike,
  type ChatStreamResult,
  type ChatTurnInput,
  type ChatTurnOpener,
  type GrokRoute,
  type TurnOpenOptions,
} from '../grok/index.js';

/** A raw REST body posted to conversations/new (the media paths: image edit, video, drawing chats). */
export interface UpstreamChatOpener {
  openChat(
    token: string,
    body: Record<string, unknown>,
    opts: { signal?: AbortLike; referer?: string; route?: GrokRoute },
  ): Promise<ChatStreamResult>;
}

export interface WatchdogTimes {
  idleTimeoutMs: number;
  requestTimeoutMs: number;
}

export class UpstreamChat {
  private readonly controller = new Cancellation();
  /** Events of the current batch not yet handed out by next(). */
  private pending: GrokEvent[] = [];
  private pendingAt = 0;
  private stream: ChatStreamResult | undefined;
  /** The turn's end event once read (its mgw conversation and response ids). */
  endEvent: GrokEndEvent | undefined;
  /**
   * One timer per call, never moved while data flows: events only note the time, and when the
   * timer fires it checks both limits and re-arms itself for whichever is due next. (Moving a timer
   * on every chunk costs more than the rest of the watchdog; a healthy call never sees it fire.)
   */
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastActivity = this.startedAt;
  private timedOut: 'idle' | 'total' | undefined;
  private closed = false;
  private readonly onOuterAbort = (): void => this.abort();
  private readonly onTimerBound = (): void => this.onTimer();

  constructor(
    private readonly times: WatchdogTimes,
    private readonly outerSignal: AbortLike | undefined,
  ) {
    outerSignal?.addEventListener('abort', this.onOuterAbort, { once: true });
    const first = Math.min(times.idleTimeoutMs > 0 ? times.idleTimeoutMs : Infinity, times.requestTimeoutMs > 0 ? times.requestTimeoutMs : Infinity);
    if (first !== Infinity) this.timer = setTimeout(this.onTimerBound, first);
  }

  get signal(): AbortLike {
    return this.controller;
  }

  private onTimer(): void {
    const now = Date.now();
    const { idleTimeoutMs: idle, requestTimeoutMs: total } = this.times;
    const totalLeft = total > 0 ? total - (now - this.startedAt) : Infinity;
    if (totalLeft <= 0) return this.fireTimeout('total');
    const idleLeft = idle > 0 ? idle - (now - this.lastActivity) : Infinity;
    if (idleLeft <= 0) return this.fireTimeout('idle');
    this.timer = setTimeout(this.onTimerBound, Math.min(idleLeft, totalLeft));
  }

  /** Data arrived: silence starts over (the timer sees it when it fires). */
  private touch(): void {
    this.lastActivity = Date.now();
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
    await this.start((signal) => opener.openChat(token, body, { signal, referer, route }));
  }

  /** Opens one chat turn over whichever transport the turn names (ChatService's path). */
  async openTurn(opener: ChatTurnOpener, token: string, turn: ChatTurnInput, opts: Omit<TurnOpenOptions, 'signal'> = {}): Promise<void> {
    await this.start((signal) => opener.openTurn(token, turn, { ...opts, signal }));
  }

  /** Runs `open` under this call's signal and watchdogs. */
  private async start(open: (signal: AbortLike) => Promise<ChatStreamResult>): Promise<void> {
    try {
      this.stream = await open(this.controller);
      this.touch();
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /**
   * The upstream events of the next network chunk (never empty), or undefined at the end. Throws
   * a classified GrokUpstreamError. One await per chunk: the hot loops read this.
   */
  async nextBatch(): Promise<GrokEvent[] | undefined> {
    if (!this.stream) throw new Error('UpstreamChat.nextBatch() before open()');
    try {
      const batch = await this.stream.events.nextBatch();
      // An aborted body may end quietly instead of throwing: a timeout must still surface.
      if (this.timedOut) throw this.timeoutError();
      // Ended because the caller left (client gone): we closed the turn, so the end says nothing
      // about Grok. Surfacing it as the abort keeps it from being read as an empty answer (an
      // account penalty, a retry, an error log) by whoever counts what was received.
      if (batch === undefined && this.outerSignal?.aborted) throw this.outerSignal.reason;
      this.touch();
      // The end event closes its batch: keep it for the continuation ids (no scan per event).
      const last = batch?.[batch.length - 1];
      if (last?.type === 'end') this.endEvent = last;
      return batch;
    } catch (err) {
      throw this.mapError(err);
    }
  }

  /** The next upstream event, or undefined at the end (one at a time, for the media paths). */
  async next(): Promise<GrokEvent | undefined> {
    while (this.pendingAt >= this.pending.length) {
      const batch = await this.nextBatch();
      if (!batch) return undefined;
      this.pending = batch;
      this.pendingAt = 0;
    }
    return this.pending[this.pendingAt++];
  }

  private mapError(err: unknown): unknown {
    if (this.timedOut) return this.timeoutError();
    if (this.outerSignal?.aborted) return err;
    return err instanceof GrokUpstreamError ? err : classifyTransportError(err);
  }

  /** Stops the upstream call now (client gone, or we are done with it). Idempotent. */
  abort(): void {
    this.controller.abort();
    this.stream?.abort();
    this.close();
  }

  /** Releases timers and listeners; aborts the upstream body if it is still open. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.outerSignal?.removeEventListener('abort', this.onOuterAbort);
    // Ending early must not leave the socket open (a no-op once the events have ended).
    this.stream?.abort();
  }
}
