// Small documents of the file store, in memory, written behind to kv.json.
import type { KvStore } from '../types.js';

export interface FileKvStoreOptions {
  assertOpen: () => void;
  onChange: () => void;
}

export class FileKvStore implements KvStore {
  private readonly values = new Map<string, string>();

  constructor(private readonly opts: FileKvStoreOptions) {}

  seed(entries: Iterable<[string, string]>): void {
    for (const [k, v] of entries) this.values.set(k, v);
  }

  serialize(): string[] {
    return [JSON.stringify({ version: 1, entries: Object.fromEntries(this.values) }, null, 2), '\n'];
  }

  async get(key: string): Promise<string | undefined> {
    this.opts.assertOpen();
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.opts.assertOpen();
    if (this.values.get(key) === value) return;
    this.values.set(key, value);
    this.opts.onChange();
  }

  async delete(key: string): Promise<void> {
    this.opts.assertOpen();
    if (this.values.delete(key)) this.opts.onChange();
  }
}
