// The plumbing every server-sent-event response of the gateway shares (OpenAI chat chunks, named
// events for images and the Responses API, and, through this folder's index, Anthropic's Messages
// stream): the SSE head, a keep-alive that only fills silence, byte counting for the call log,
// backpressure, and an end that stops the timer. What goes in the frames is the writers' business
// (chat-stream-writer.ts, event-stream-writer.ts, anthropic/stream-writer.ts); so is the keep-alive
// text (an SSE comment for OpenAI clients, a `ping` event for Anthropic's). It lives with the
// OpenAI edge because the Anthropic edge already builds on it; src/server/ is the shell above both.
import type { ServerResponse } from 'node:http';

export type SseExtraHeaders = Readonly<Record<string, string | number | readonly string[] | undefined>>;

const SSE_HEAD = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // No explicit "connection: keep-alive": Node sets it when the client wants it, and forcing it
  // would keep the socket of a client that sent "Connection: close" open after the stream.
  'x-accel-buffering': 'no',
} as const;

export class SseChannel {
  private heartbeat: NodeJS.Timeout | undefined;
  private endedByUs = false;
  private opened = false;
  bytesWritten = 0;

  constructor(
    private readonly res: ServerResponse,
    /** Silence after which `keepAlive` goes out; 0 = never. */
    private readonly heartbeatMs: number,
    private readonly keepAlive: string,
  ) {}

  /** Nothing more goes out: ended by us, or the client's socket is gone. */
  get closed(): boolean {
    return this.endedByUs || this.res.destroyed;
  }

  /** end() or dispose() was called. */
  get ended(): boolean {
    return this.endedByUs;
  }

  /** Whether the head has been sent (open() was called). */
  get isOpen(): boolean {
    return this.opened;
  }

  /**
   * Sends the head (the hooks' headers, e.g. x-request-id and CORS, then the SSE ones) and `first`,
   * and starts the keep-alive. Once only.
   */
  open(extraHeaders: SseExtraHeaders, first = ''): void {
    if (this.opened) return;
    this.opened = true;
    for (const [name, value] of Object.entries(extraHeaders)) if (value !== undefined) this.res.setHeader(name, value);
    this.res.writeHead(200, SSE_HEAD);
    if (first) this.write(first);
    if (this.heartbeatMs > 0) this.heartbeat = setTimeout(this.beat, this.heartbeatMs);
  }

  private readonly beat = (): void => {
    if (this.closed) return;
    // write() re-arms the timer.
    this.write(this.keepAlive);
  };

  /** Writes `s` unless closed; false = the socket is full (see drain()). */
  write(s: string): boolean {
    if (this.closed) return true;
    this.bytesWritten += Buffer.byteLength(s);
    // Keep-alives only fill silence: any write postpones the next one.
    this.heartbeat?.refresh();
    return this.res.write(s);
  }

  /** Resolves when the socket can take more, or is closed. */
  drain(): Promise<void> {
    if (this.res.destroyed) return Promise.resolve();
    // Both listeners go once either fires: a long stream to a slow reader waits for 'drain' many
    // times, and a leftover 'close' listener per wait would pile up for the stream's lifetime.
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Writes `last` (if the socket is still there) and ends the response. Once only. */
  end(last = ''): void {
    if (this.endedByUs) return;
    this.dispose();
    if (this.res.destroyed) return;
    this.bytesWritten += Buffer.byteLength(last);
    this.res.end(last);
  }

  /** Stops the keep-alive without writing (the client went away). */
  dispose(): void {
    this.endedByUs = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }
}
