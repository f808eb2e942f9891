// The media index in one Redis hash (file name → entry JSON).
import type { Redis } from 'ioredis';
import { parseMediaIndexEntry, type MediaIndexEntry } from '../media-index-entry.js';
import type { MediaIndexStore } from '../types.js';
import type { RedisKeys } from './redis-keys.js';

type Run = <T>(context: string, op: () => Promise<T>) => Promise<T>;

export class RedisMediaIndexStore implements MediaIndexStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: Run,
  ) {}

  put(entry: MediaIndexEntry): Promise<void> {
    return this.run('indexing a media file', async () => {
      await this.client.hset(this.keys.mediaIndex, entry.name, JSON.stringify(entry));
    });
  }

  get(name: string): Promise<MediaIndexEntry | undefined> {
    return this.run('reading the media index', async () => {
      const json = await this.client.hget(this.keys.mediaIndex, name);
      return json === null ? undefined : parseMediaIndexEntry(json);
    });
  }

  delete(name: string): Promise<void> {
    return this.run('deleting from the media index', async () => {
      await this.client.hdel(this.keys.mediaIndex, name);
    });
  }
}
