// Plays a scripted stream onto an HTTP response: per-frame delays, pauses, a hard cut, an
// optional SSE `data:` framing, and network chunking that splits lines and UTF-8 characters.
// It must never throw when the client goes away: every write checks the abort signal first.

import type { ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import { constants, createBrotliCompress, createDeflate, createGzip } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Step } from './frames.js';

export interface WriteOptions {
  /** Delay before every frame after the first, ms (0 = write back to back). */
  delayMs: number;
  /** Split the byte stream into network writes of this many bytes. */
  chunkBytes?: number | undefined;
  /** SSE framing: `data: <line>` + blank line, and a final `data: [DONE]`. */
  dataPrefix?: boolean | undefined;
  /** Silence after the headers, before the first frame, ms. */
  stallStartMs?: number | undefined;
  /** Compress the body (the caller sets the content-encoding header). Flushed per write so it still streams. */
  encoding?: 'gzip' | 'deflate' | 'br' | undefined;
  /** Aborted when the client disconnects or the simulator closes. */
  signal: AbortSignal;
}

export type WriteOutcome = 'ended' | 'cut' | 'aborted';

/** Sleeps unless aborted; resolves false when the signal fired. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** A compressor piped into `res`, or `res` itself. */
function target(res: ServerResponse, encoding: WriteOptions['encoding']): Writable {
  if (encoding === undefined) return res;
  const z = encoding === 'br'
    ? createBrotliCompress({ flush: constants.BROTLI_OPERATION_FLUSH })
    : (encoding === 'gzip' ? createGzip : createDeflate)({ flush: constants.Z_SYNC_FLUSH });
  z.on('error', () => undefined);
  z.pipe(res);
  res.on('close', () => z.destroy());
  return z;
}

/** Byte sink that optionally re-slices everything into fixed-size network writes. */
class Sink {
  #pending = Buffer.alloc(0);
  readonly #res: ServerResponse;
  readonly #out: Writable;
  readonly #o: WriteOptions;

  constructor(res: ServerResponse, o: WriteOptions) {
    this.#res = res;
    this.#o = o;
    this.#out = target(res, o.encoding);
  }

  get alive(): boolean {
    return !this.#o.signal.aborted && !this.#res.destroyed && !this.#res.writableEnded && !this.#out.destroyed;
  }

  end(): void {
    this.#out.end();
  }

  async #send(buf: Buffer): Promise<boolean> {
    if (!this.alive) return false;
    if (this.#out.write(buf)) return true;
    try {
      await once(this.#out, 'drain', { signal: this.#o.signal });
      return this.alive;
    } catch {
      return false;
    }
  }

  async write(text: string): Promise<boolean> {
    const n = this.#o.chunkBytes;
    if (n === undefined) return this.#send(Buffer.from(text, 'utf8'));
    this.#pending = Buffer.concat([this.#pending, Buffer.from(text, 'utf8')]);
    while (this.#pending.length >= n) {
      const piece = this.#pending.subarray(0, n);
      this.#pending = this.#pending.subarray(n);
      // A real gap between writes so the pieces arrive as separate reads on the client.
      if (!(await this.#send(Buffer.from(piece))) || !(await pause(1, this.#o.signal))) return false;
    }
    return true;
  }

  /** Sends whatever is buffered (before a pause, a cut or the end). */
  async flush(): Promise<boolean> {
    if (this.#pending.length === 0) return this.alive;
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    return this.#send(Buffer.from(rest));
  }
}

function lineOf(step: Step, dataPrefix: boolean): string {
  const text = step.kind === 'frame' ? JSON.stringify(step.value) : step.kind === 'raw' ? step.text : '';
  return dataPrefix ? `data: ${text}\n\n` : `${text}\n`;
}

/** Writes `steps` to `res` (headers must already be set, status 200). */
export async function writeScript(res: ServerResponse, steps: Step[], o: WriteOptions): Promise<WriteOutcome> {
  res.on('error', () => undefined); // a reset socket must not become an unhandled 'error'
  const sink = new Sink(res, o);
  res.flushHeaders();
  if (o.stallStartMs !== undefined && !(await pause(o.stallStartMs, o.signal))) return 'aborted';

  let framesWritten = 0;
  for (const step of steps) {
    if (!sink.alive) return 'aborted';
    if (step.kind === 'pause') {
      if (!(await sink.flush()) || !(await pause(step.ms, o.signal))) return 'aborted';
      continue;
    }
    if (step.kind === 'cut') {
      await sink.flush();
      // Give the flushed bytes a moment to leave, then drop the connection without a clean end.
      await pause(5, o.signal);
      res.socket?.destroy();
      res.destroy();
      return 'cut';
    }
    if (framesWritten > 0 && o.delayMs > 0 && !(await pause(o.delayMs, o.signal))) return 'aborted';
    if (!(await sink.write(lineOf(step, o.dataPrefix === true)))) return 'aborted';
    framesWritten++;
  }
  if (o.dataPrefix && !(await sink.write('data: [DONE]\n\n'))) return 'aborted';
  if (!(await sink.flush())) return 'aborted';
  sink.end();
  return 'ended';
}
