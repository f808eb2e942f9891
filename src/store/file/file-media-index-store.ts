// The media index of the file store: in memory, written behind to media_index.json. Bounded: the
// oldest entries are forgotten beyond MAX_ENTRIES (their files can then no longer be fetched again
// from Grok once evicted from the local cache).
import { mediaIndexEntrySchema, type MediaIndexEntry } from '../media-index-entry.js';
import type { MediaIndexStore } from '../types.js';

export const MAX_MEDIA_INDEX_ENTRIES = 50_000;

export interface FileMediaIndexStoreOptions {
  assertOpen: () => void;
  onChange: () => void;
}

export class FileMediaIndexStore implements MediaIndexStore {
  /** In insertion order (oldest first). */
  private readonly entries = new Map<string, MediaIndexEntry>();

  constructor(private readonly opts: FileMediaIndexStoreOptions) {}

  seed(value: unknown): void {
    const list = typeof value === 'object' && value !== null ? (value as { entries?: unknown }).entries : undefined;
    if (!Array.isArray(list)) return;
    for (const item of list) {
      const r = mediaIndexEntrySchema.safeParse(item);
      if (r.success) this.entries.set(r.data.name, r.data);
    }
  }

  serialize(): string[] {
    return [JSON.stringify({ version: 1, entries: [...this.entries.values()] }), '\n'];
  }

  async put(entry: MediaIndexEntry): Promise<void> {
    this.opts.assertOpen();
    this.entries.delete(entry.name);
    this.entries.set(entry.name, { ...entry });
    for (const name of this.entries.keys()) {
      if (this.entries.size <= MAX_MEDIA_INDEX_ENTRIES) break;
      this.entries.delete(name);
    }
    this.opts.onChange();
  }

  async get(name: string): Promise<MediaIndexEntry | undefined> {
    this.opts.assertOpen();
    const e = this.entries.get(name);
    return e ? { ...e } : undefined;
  }

  async delete(name: string): Promise<void> {
    this.opts.assertOpen();
    if (this.entries.delete(name)) this.opts.onChange();
  }
}
