// In-memory files served by the assets origin (the assets.grok.com stand-in): uploads,
// generated images and videos. Paths are relative, exactly as the stream reports them.

export interface StoredAsset {
  bytes: Buffer;
  mime: string;
  /** Served without the SSO cookie (Imagine's public image host). */
  public: boolean;
}

/** Oldest files are forgotten beyond this many bytes, so a long benchmark run stays bounded. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

export class AssetStore {
  readonly #files = new Map<string, StoredAsset>();
  #bytes = 0;

  put(path: string, bytes: Buffer, mime: string, isPublic = false): void {
    const key = path.replace(/^\/+/, '');
    this.#bytes -= this.#files.get(key)?.bytes.length ?? 0;
    this.#files.delete(key);
    this.#files.set(key, { bytes, mime, public: isPublic });
    this.#bytes += bytes.length;
    for (const [k, v] of this.#files) {
      if (this.#bytes <= MAX_TOTAL_BYTES) break;
      this.#files.delete(k);
      this.#bytes -= v.bytes.length;
    }
  }

  get(path: string): StoredAsset | undefined {
    return this.#files.get(path.replace(/^\/+/, ''));
  }

  get size(): number {
    return this.#files.size;
  }
}
