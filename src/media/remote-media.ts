// Media any instance can serve: a name this instance has no file for is looked up in the shared
// media index (the store) and its bytes are fetched once from Grok with the owning account's
// cookie, through that account's egress route, then cached here like our own. On a shared volume
// the file may already be on disk (another instance wrote it): then it is only indexed here.
// Concurrent misses for one name share one fetch.
import type { Logger } from 'pino';
import type { MediaIndexEntry, MediaIndexStore } from '../store/index.js';
import type { CachedFile, MediaCache } from './media-cache.js';
import { isMediaName } from './media-cache.js';
import type { MediaKind } from './sniff.js';

export interface RemoteMediaDeps {
  cache: MediaCache;
  index: MediaIndexStore;
  /** Downloads and validates the entry's asset; undefined when it cannot be had (account gone, asset expired). */
  fetch: (entry: MediaIndexEntry) => Promise<Buffer | undefined>;
  logger?: Logger | undefined;
}

export class RemoteMedia {
  private readonly fetching = new Map<string, Promise<CachedFile | undefined>>();

  constructor(private readonly deps: RemoteMediaDeps) {}

  /** The cached file for `name`: local, else adopted from a shared volume, else fetched again from Grok. */
  async find(kind: MediaKind, name: string): Promise<CachedFile | undefined> {
    const local = this.deps.cache.lookup(kind, name);
    if (local) return local;
    if (!isMediaName(name)) return undefined;
    const key = `${kind}/${name}`;
    let p = this.fetching.get(key);
    if (!p) {
      p = this.fetchOnce(kind, name).finally(() => this.fetching.delete(key));
      this.fetching.set(key, p);
    }
    return p;
  }

  private async fetchOnce(kind: MediaKind, name: string): Promise<CachedFile | undefined> {
    const onDisk = await this.deps.cache.adopt(kind, name);
    if (onDisk) return onDisk;
    let entry: MediaIndexEntry | undefined;
    try {
      entry = await this.deps.index.get(name);
    } catch (err) {
      this.deps.logger?.warn({ file: name, err: (err as Error).message }, 'media index unreachable');
      return undefined;
    }
    if (!entry || entry.kind !== kind || entry.upstreamUrl === null || entry.accountId === null) return undefined;
    try {
      const bytes = await this.deps.fetch(entry);
      if (!bytes) return undefined;
      const f = await this.deps.cache.storeNamed(kind, name, bytes);
      this.deps.logger?.info({ file: name, bytes: bytes.length }, 'media fetched again from Grok for another instance\'s link');
      return f;
    } catch (err) {
      this.deps.logger?.warn({ file: name, err: (err as Error).message }, 'media: could not fetch a file another instance made');
      return undefined;
    }
  }
}
