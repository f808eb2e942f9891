// In-flight counters in Redis: the per-account cap holds across every instance sharing the server.
// Each acquire refreshes the counter's TTL, so the leases of a crashed instance expire by themselves.
import type { Redis } from 'ioredis';
import type { InflightCounter } from '../types.js';
import type { RedisKeys } from './redis-keys.js';
import { acquireScript, releaseScript } from './redis-scripts.js';

export class RedisInflightCounter implements InflightCounter {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  tryAcquire(accountId: string, max: number): Promise<boolean> {
    return this.run('acquiring an in-flight slot', async () => {
      if (max <= 0) return false;
      const got = await acquireScript.run(this.client, [this.keys.inflight(accountId)], [max, this.ttlMs]);
      return got === 1;
    });
  }

  release(accountId: string): Promise<void> {
    return this.run('releasing an in-flight slot', async () => {
      await releaseScript.run(this.client, [this.keys.inflight(accountId)], []);
    });
  }

  current(accountId: string): Promise<number> {
    return this.run('reading an in-flight counter', async () => {
      const v = await this.client.get(this.keys.inflight(accountId));
      const n = v === null ? 0 : Number(v);
      return Number.isFinite(n) && n > 0 ? n : 0;
    });
  }
}
