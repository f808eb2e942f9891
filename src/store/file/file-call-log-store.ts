// The file store's call log: JSON lines appended to ${dataDir}/call_logs.jsonl, one write (and one
// fdatasync) per batch; the file is never rewritten on a flush. It is compacted to the newest `cap`
// lines, atomically (temp file + rename), at start-up (loadRecent) and when it has grown to 2 × cap.
// A torn last line (crash mid-append) or a damaged line is skipped and dropped by the next compaction.
import { open, unlink } from 'node:fs/promises';
import type { Logger } from 'pino';
import { parseCallLogJson } from '../call-log-record.js';
import type { CallLogRecord, CallLogStore } from '../types.js';
import { atomicWriteFile, removeStaleTempFiles } from './atomic-write-file.js';
import { readTextFile } from './read-json-file.js';

export const CALL_LOG_FILE = 'call_logs.jsonl';

export interface FileCallLogStoreOptions {
  path: string;
  assertOpen: () => void;
  logger: Logger;
  /** Reports the outcome of each file operation to the store's health. */
  onOk: () => void;
  onError: (err: unknown, context: string) => Error;
}

interface FileContent {
  records: CallLogRecord[];
  /** Lines that did not parse (or a torn tail): a rewrite is due. */
  damaged: number;
  /** Whether the file ends with a newline (an append may follow directly). */
  cleanEnd: boolean;
}

function parseContent(text: string): FileContent {
  const records: CallLogRecord[] = [];
  let damaged = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const rec = parseCallLogJson(text.slice(start, end));
      if (rec) records.push(rec);
      else damaged++;
    }
    start = end + 1;
  }
  return { records, damaged, cleanEnd: text.length === 0 || text.endsWith('\n') };
}

const serialize = (records: readonly CallLogRecord[]): string[] => records.map((r) => JSON.stringify(r) + '\n');

export class FileCallLogStore implements CallLogStore {
  /** Lines in the file, counted on first use; undefined until then. */
  private lines: number | undefined;
  /** The file does not end with a newline: the next append starts with one. */
  private needsNewline = false;
  private chain: Promise<unknown> = Promise.resolve();
  /** Operation counts (tests check that a flush appends and never rewrites). */
  readonly counters = { appends: 0, rewrites: 0 };

  constructor(private readonly opts: FileCallLogStoreOptions) {}

  get path(): string {
    return this.opts.path;
  }

  append(entries: readonly CallLogRecord[], cap: number): Promise<void> {
    return this.serial('appending to the call log', async () => {
      if (entries.length === 0) return;
      if (this.lines === undefined) await this.countLines();
      const text = (this.needsNewline ? '\n' : '') + serialize(entries).join('');
      const fh = await open(this.opts.path, 'a', 0o600);
      try {
        await fh.write(text);
        await fh.datasync();
      } finally {
        await fh.close();
      }
      this.needsNewline = false;
      this.counters.appends++;
      this.lines = (this.lines ?? 0) + entries.length;
      if (this.lines >= 2 * Math.max(1, cap)) await this.compact(Math.max(1, cap));
    });
  }

  loadRecent(limit: number): Promise<CallLogRecord[]> {
    return this.serial('reading the call log', async () => {
      if (limit <= 0) return [];
      await removeStaleTempFiles(this.opts.path);
      const text = await readTextFile(this.opts.path);
      if (text === undefined) {
        this.lines = 0;
        return [];
      }
      const content = parseContent(text);
      const keep = content.records.slice(-limit);
      if (content.damaged > 0) this.opts.logger.warn({ file: this.opts.path, skipped: content.damaged }, 'call log: skipped damaged lines');
      if (content.records.length > keep.length || content.damaged > 0 || !content.cleanEnd) await this.rewrite(keep);
      else this.lines = content.records.length;
      return keep;
    });
  }

  deleteBefore(before?: number): Promise<number> {
    return this.serial('deleting from the call log', async () => {
      const text = await readTextFile(this.opts.path);
      if (text === undefined) return 0;
      const { records } = parseContent(text);
      if (before === undefined) {
        await unlink(this.opts.path).catch(() => undefined);
        this.lines = 0;
        this.needsNewline = false;
        return records.length;
      }
      const kept = records.filter((r) => r.time >= before);
      if (kept.length !== records.length) await this.rewrite(kept);
      return records.length - kept.length;
    });
  }

  /** Waits for the operations already queued (close()). */
  async drain(): Promise<void> {
    await this.chain.catch(() => undefined);
  }

  private async countLines(): Promise<void> {
    const text = (await readTextFile(this.opts.path)) ?? '';
    let n = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
    this.needsNewline = text.length > 0 && !text.endsWith('\n');
    this.lines = n + (this.needsNewline ? 1 : 0);
  }

  /**
   * Keeps the newest `cap` lines, copied as they are: no parse and no re-serialisation (this runs
   * while serving, every `cap` calls). A damaged line among them stays until loadRecent drops it.
   */
  private async compact(cap: number): Promise<void> {
    const text = (await readTextFile(this.opts.path)) ?? '';
    let end = text.length;
    if (end > 0 && text.charCodeAt(end - 1) !== 10) end = text.lastIndexOf('\n') + 1; // a torn tail goes
    let start = end;
    for (let kept = 0; kept < cap && start > 0; kept++) start = text.lastIndexOf('\n', start - 2) + 1;
    const tail = text.slice(start, end);
    await atomicWriteFile(this.opts.path, tail.length > 0 ? [tail] : []);
    this.counters.rewrites++;
    let lines = 0;
    for (let i = tail.indexOf('\n'); i >= 0; i = tail.indexOf('\n', i + 1)) lines++;
    this.lines = lines;
    this.needsNewline = false;
  }

  private async rewrite(records: readonly CallLogRecord[]): Promise<void> {
    await atomicWriteFile(this.opts.path, serialize(records));
    this.counters.rewrites++;
    this.lines = records.length;
    this.needsNewline = false;
  }

  /** One operation at a time (an append never interleaves with a compaction). */
  private serial<T>(context: string, op: () => Promise<T>): Promise<T> {
    try {
      this.opts.assertOpen();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const run = async (): Promise<T> => {
      try {
        const out = await op();
        this.opts.onOk();
        return out;
      } catch (err) {
        throw this.opts.onError(err, context);
      }
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }
}
