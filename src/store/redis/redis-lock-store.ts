// Named locks in Redis (SET NX PX semantics, compare-and-delete unlock), shared by all instances.
import type { Redis } from 'ioredis';
import type { LockStore } from '../types.js';
import type { RedisKeys } from './redis-keys.js';
import { lockScript, unlockScript } from './redis-scripts.js';

export class RedisLockStore implements LockStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.run('taking a lock', async () => {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      return (await lockScript.run(this.client, [this.keys.lock(name)], [owner, ttl])) === 1;
    });
  }

  unlock(name: string, owner: string): Promise<void> {
    return this.run('releasing a lock', async () => {
      await unlockScript.run(this.client, [this.keys.lock(name)], [owner]);
    });
  }
}
