// Write-behind for one file: changes mark it dirty; it is written at most once per interval
// (a burst of changes becomes one write), atomically. A write that takes long stretches the gap
// (4x its duration), so a huge file never keeps the process busy writing. A failed write keeps the
// file dirty and is retried on the next tick.
import { atomicWriteFile } from './atomic-write-file.js';

export interface CoalescingWriterOptions {
  path: string;
  /** Produces the whole file content at write time (pieces are concatenated). */
  serialize: () => readonly string[];
  /** Minimum gap between the starts of two writes. */
  minIntervalMs: number;
  onWritten?: (ms: number) => void;
  onError: (err: unknown) => void;
}

export class CoalescingWriter {
  private dirty = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private lastStart = -Infinity;
  private lastDurationMs = 0;
  private count = 0;

  constructor(private readonly opts: CoalescingWriterOptions) {}

  /** Completed writes so far (tests check batching with it). */
  get writes(): number {
    return this.count;
  }

  get pending(): boolean {
    return this.dirty;
  }

  markDirty(): void {
    this.dirty = true;
    this.schedule();
  }

  /** Writes now if anything is pending (waiting for a write in progress first); rejects if it fails. */
  async flush(): Promise<void> {
    for (;;) {
      this.clearTimer();
      if (this.writing) {
        await this.writing.catch(() => undefined);
        continue;
      }
      if (!this.dirty) return;
      await this.writeNow();
      return;
    }
  }

  /** Flushes, then stops scheduling writes. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.closed = true;
      this.clearTimer();
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    if (this.timer || this.writing || !this.dirty || this.closed) return;
    const gap = Math.max(this.opts.minIntervalMs, 4 * this.lastDurationMs);
    const delay = Math.max(0, this.lastStart + gap - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writeNow().catch(() => undefined); // reported through onError
    }, delay);
  }

  private writeNow(): Promise<void> {
    this.dirty = false;
    const started = Date.now();
    this.lastStart = started;
    let pieces: readonly string[];
    try {
      pieces = this.opts.serialize();
    } catch (err) {
      this.dirty = true;
      this.opts.onError(err);
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const p = atomicWriteFile(this.opts.path, pieces)
      .then(
        () => {
          this.count++;
          this.lastDurationMs = Date.now() - started;
          this.opts.onWritten?.(this.lastDurationMs);
        },
        (err: unknown) => {
          this.dirty = true;
          this.opts.onError(err);
          throw err;
        },
      )
      .finally(() => {
        this.writing = undefined;
        this.schedule();
      });
    this.writing = p;
    return p;
  }
}
