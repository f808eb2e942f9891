// Video jobs in two Redis hashes: the records, and their callback states (moved only by a
// compare-and-swap script, so one instance wins the right to deliver a callback).
import type { Redis } from 'ioredis';
import type { VideoJobStore } from '../types.js';
import { parseVideoJobRecord, type CallbackState, type VideoJobRecord } from '../video-job-record.js';
import type { RedisKeys } from './redis-keys.js';
import { swapCallbackScript, updateVideoJobScript } from './redis-scripts.js';

type Run = <T>(context: string, op: () => Promise<T>) => Promise<T>;

function recordJson(job: VideoJobRecord): string {
  const { callbackState: _state, ...rest } = job;
  return JSON.stringify(rest);
}

export class RedisVideoJobStore implements VideoJobStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: Run,
  ) {}

  create(job: VideoJobRecord): Promise<void> {
    return this.run('creating a video job', async () => {
      await this.client.multi().hset(this.keys.videoJobs, job.id, recordJson(job)).hset(this.keys.videoJobCallbacks, job.id, job.callbackState).exec();
    });
  }

  get(id: string): Promise<VideoJobRecord | undefined> {
    return this.run('reading a video job', async () => {
      const [json, state] = await Promise.all([this.client.hget(this.keys.videoJobs, id), this.client.hget(this.keys.videoJobCallbacks, id)]);
      return json === null ? undefined : parseVideoJobRecord(json, state ?? 'none');
    });
  }

  list(): Promise<VideoJobRecord[]> {
    return this.run('listing video jobs', async () => {
      const [all, states] = await Promise.all([this.client.hgetall(this.keys.videoJobs), this.client.hgetall(this.keys.videoJobCallbacks)]);
      const out: VideoJobRecord[] = [];
      for (const [id, json] of Object.entries(all)) {
        const r = parseVideoJobRecord(json, states[id] ?? 'none');
        if (r) out.push(r);
      }
      return out.sort((a, b) => b.createdAt - a.createdAt);
    });
  }

  update(job: VideoJobRecord): Promise<boolean> {
    return this.run('updating a video job', async () => (await updateVideoJobScript.run(this.client, [this.keys.videoJobs], [job.id, recordJson(job)])) === 1);
  }

  delete(id: string): Promise<boolean> {
    return this.run('deleting a video job', async () => {
      const res = await this.client.multi().hdel(this.keys.videoJobs, id).hdel(this.keys.videoJobCallbacks, id).exec();
      return Number(res?.[0]?.[1] ?? 0) > 0;
    });
  }

  swapCallbackState(id: string, from: CallbackState, to: CallbackState): Promise<boolean> {
    return this.run('moving a video callback state', async () =>
      (await swapCallbackScript.run(this.client, [this.keys.videoJobs, this.keys.videoJobCallbacks], [id, from, to])) === 1);
  }

  async deleteExpired(nowMs: number): Promise<number> {
    const jobs = await this.list();
    let n = 0;
    for (const j of jobs) if (j.expiresAt !== null && j.expiresAt <= nowMs && (await this.delete(j.id))) n++;
    return n;
  }
}
