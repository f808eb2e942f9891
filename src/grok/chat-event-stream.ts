// The events of one REST chat answer (docs/grok-protocol.md §21.3, §21.6): the body parsed per network chunk or
// per event, and the body's fate once the answer ends (drained, bounded, so the connection goes
// back to the pool) or is abandoned (destroyed).
import { finished, type Readable } from 'node:stream';
import type { AbortLike } from './cancellation.js';
import { classifyTransportError, GrokUpstreamError } from './errors.js';
import type { GrokEvent } from './events.js';
import { parseChatBatches, type ChatStreamStats } from './parse-chat-stream.js';
import { noop } from './rest-response.js';

/** After the end event, read at most this much (for this long) so the connection can be reused. */
const DRAIN_LIMIT_BYTES = 64 * 1024;
const DRAIN_TIMEOUT_MS = 2_000;

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** The events of one chat answer: per event (for-await) or per network chunk (`nextBatch`). */
export interface ChatEventSource extends AsyncIterable<GrokEvent> {
  /**
   * The events of the next network chunk (never empty; the batch holding `end` is the last), or
   * undefined once the events are over. Use either this or the iterator, not both.
   */
  nextBatch(): Promise<GrokEvent[] | undefined>;
}

/** The events of one chat response; owns the body's fate (drain for reuse, or destroy). */
export class ChatEvents implements ChatEventSource {
  private state: 'idle' | 'reading' | 'done' = 'idle';
  private abortedByCaller = false;
  private gen: AsyncGenerator<GrokEvent[], void, undefined> | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly raw: Readable,
    private readonly signal: AbortLike | undefined,
    private readonly stats: ChatStreamStats,
  ) {}

  abort(): void {
    if (this.state === 'done') return;
    this.abortedByCaller = true;
    this.state = 'done';
    this.destroy();
  }

  private start(): AsyncGenerator<GrokEvent[], void, undefined> {
    if (this.gen) return this.gen;
    this.state = 'reading';
    this.gen = parseChatBatches(this.stream.iterator({ destroyOnReturn: false }), this.stats);
    return this.gen;
  }

  async nextBatch(): Promise<GrokEvent[] | undefined> {
    if (this.state === 'done') return undefined;
    const gen = this.start();
    let r: IteratorResult<GrokEvent[], void>;
    try {
      r = await gen.next();
    } catch (err) {
      if (this.abortedByCaller) return undefined;
      throw this.fail(err);
    }
    if (this.isDone()) return undefined; // aborted while waiting
    if (r.done === true) {
      this.state = 'done';
      this.release();
      return undefined;
    }
    const batch = r.value;
    if (batch[batch.length - 1]?.type === 'end') {
      this.state = 'done';
      // Close the parser first (its body iterator lets go of the stream), then drain.
      gen.return(undefined).then(
        () => this.release(),
        () => this.destroy(),
      );
    }
    return batch;
  }

  [Symbol.asyncIterator](): AsyncIterator<GrokEvent, undefined> {
    if (this.state !== 'idle') {
      if (this.state === 'done') return { next: () => Promise.resolve(DONE) };
      throw new Error('GrokClient: chat events can be iterated only once');
    }
    this.start();
    let batch: GrokEvent[] = [];
    let i = 0;
    return {
      next: async (): Promise<IteratorResult<GrokEvent, undefined>> => {
        while (i >= batch.length) {
          const more = await this.nextBatch();
          if (!more) return DONE;
          batch = more;
          i = 0;
        }
        return { done: false, value: batch[i++] as GrokEvent };
      },
      return: async (): Promise<IteratorResult<GrokEvent, undefined>> => {
        if (this.state !== 'done') {
          this.state = 'done';
          this.destroy();
          await this.gen?.return(undefined).catch(noop);
        }
        return DONE;
      },
    };
  }

  private isDone(): boolean {
    return this.state === 'done';
  }

  private fail(err: unknown): unknown {
    this.state = 'done';
    this.destroy();
    if (err instanceof GrokUpstreamError) return err;
    if (this.signal?.aborted) return this.signal.reason;
    return classifyTransportError(err);
  }

  private destroy(): void {
    if (!this.stream.destroyed) this.stream.destroy();
    if (!this.raw.destroyed) this.raw.destroy();
  }

  /** The answer is complete: read what is left (bounded) so the connection goes back to the pool. */
  private release(): void {
    const stream = this.stream;
    if (stream.readableEnded || stream.destroyed) return;
    let bytes = 0;
    const stop = (): void => {
      cleanup();
      this.destroy();
    };
    const onData = (chunk: Buffer | string): void => {
      bytes += chunk.length;
      if (bytes > DRAIN_LIMIT_BYTES) stop();
    };
    const timer = setTimeout(stop, DRAIN_TIMEOUT_MS);
    timer.unref();
    const cleanupFinished = finished(stream, (err) => {
      cleanup();
      if (err) this.destroy();
    });
    function cleanup(): void {
      clearTimeout(timer);
      stream.off('data', onData);
      cleanupFinished();
    }
    stream.on('data', onData);
    stream.resume();
  }
}
