// Small documents in one Redis hash.
import type { Redis } from 'ioredis';
import type { KvStore } from '../types.js';
import type { RedisKeys } from './redis-keys.js';

export class RedisKvStore implements KvStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.run('reading a document', async () => (await this.client.hget(this.keys.kv, key)) ?? undefined);
  }

  set(key: string, value: string): Promise<void> {
    return this.run('writing a document', async () => {
      await this.client.hset(this.keys.kv, key, value);
    });
  }

  delete(key: string): Promise<void> {
    return this.run('deleting a document', async () => {
      await this.client.hdel(this.keys.kv, key);
    });
  }
}
