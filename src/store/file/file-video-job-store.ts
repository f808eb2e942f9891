// Video jobs of the file store: in memory, written behind to video_jobs.json (atomically), loaded
// at start so unfinished jobs resume after a restart. One instance per data dir, so the callback
// state's compare-and-swap is a plain check-and-set.
import type { VideoJobStore } from '../types.js';
import { videoJobRecordSchema, type CallbackState, type VideoJobRecord } from '../video-job-record.js';

export interface FileVideoJobStoreOptions {
  assertOpen: () => void;
  onChange: () => void;
}

export class FileVideoJobStore implements VideoJobStore {
  private readonly jobs = new Map<string, VideoJobRecord>();

  constructor(private readonly opts: FileVideoJobStoreOptions) {}

  /** Loads the file's `jobs` array; returns how many entries were not valid records (skipped). */
  seed(value: unknown): number {
    const list = typeof value === 'object' && value !== null ? (value as { jobs?: unknown }).jobs : undefined;
    if (!Array.isArray(list)) return 0;
    let rejected = 0;
    for (const item of list) {
      const r = videoJobRecordSchema.safeParse(item);
      if (r.success) this.jobs.set(r.data.id, r.data);
      else rejected++;
    }
    return rejected;
  }

  serialize(): string[] {
    return [JSON.stringify({ version: 1, jobs: [...this.jobs.values()] }), '\n'];
  }

  async create(job: VideoJobRecord): Promise<void> {
    this.opts.assertOpen();
    this.jobs.set(job.id, structuredClone(job));
    this.opts.onChange();
  }

  async get(id: string): Promise<VideoJobRecord | undefined> {
    this.opts.assertOpen();
    const j = this.jobs.get(id);
    return j ? structuredClone(j) : undefined;
  }

  async list(): Promise<VideoJobRecord[]> {
    this.opts.assertOpen();
    return [...this.jobs.values()].map((j) => structuredClone(j)).sort((a, b) => b.createdAt - a.createdAt);
  }

  async update(job: VideoJobRecord): Promise<boolean> {
    this.opts.assertOpen();
    const cur = this.jobs.get(job.id);
    if (!cur) return false;
    this.jobs.set(job.id, { ...structuredClone(job), callbackState: cur.callbackState });
    this.opts.onChange();
    return true;
  }

  async delete(id: string): Promise<boolean> {
    this.opts.assertOpen();
    const had = this.jobs.delete(id);
    if (had) this.opts.onChange();
    return had;
  }

  async swapCallbackState(id: string, from: CallbackState, to: CallbackState): Promise<boolean> {
    this.opts.assertOpen();
    const cur = this.jobs.get(id);
    if (!cur || cur.callbackState !== from || from === to) return false;
    cur.callbackState = to;
    this.opts.onChange();
    return true;
  }

  async deleteExpired(nowMs: number): Promise<number> {
    this.opts.assertOpen();
    let n = 0;
    for (const [id, j] of this.jobs) {
      if (j.expiresAt !== null && j.expiresAt <= nowMs) {
        this.jobs.delete(id);
        n++;
      }
    }
    if (n > 0) this.opts.onChange();
    return n;
  }
}
