// Expiring documents as plain Redis strings with a TTL: Redis forgets them on its own.
import type { Redis } from 'ioredis';
import type { DocumentStore } from '../types.js';
import type { RedisKeys } from './redis-keys.js';

export class RedisDocumentStore implements DocumentStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.run('reading a stored document', async () => (await this.client.get(this.keys.document(key))) ?? undefined);
  }

  put(key: string, value: string, ttlMs: number): Promise<void> {
    return this.run('writing a stored document', async () => {
      await this.client.set(this.keys.document(key), value, 'PX', Math.max(1, Math.round(ttlMs)));
    });
  }

  delete(key: string): Promise<boolean> {
    return this.run('deleting a stored document', async () => (await this.client.del(this.keys.document(key))) > 0);
  }
}
