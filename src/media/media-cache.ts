// The on-disk cache of generated media: DATA_DIR/media/images and DATA_DIR/media/videos.
// File names are ours (128 random bits + an extension from the sniffed type), so a name is
// unguessable, content behind a name never changes, and a name can be validated with one strict
// regex before any file-system call. Each kind has a size cap; the least recently stored or served
// files are deleted beyond it (the newest file is always kept). The index lives in memory and is
// rebuilt from the directory at start (then ordered by modification time).
import { randomBytes } from 'node:crypto';
import { chmod, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../store/index.js';
import { MIME_BY_EXT, type MediaKind } from './sniff.js';

/** The only names the cache creates and serves: 32 lowercase hex digits and a known extension. */
export const MEDIA_NAME_RE = /^[0-9a-f]{32}\.(?:jpg|png|webp|gif|mp4|webm|mov)$/;

export interface CachedFile {
  name: string;
  kind: MediaKind;
  /** Absolute path (only ever built from a validated name). */
  path: string;
  size: number;
  mtimeMs: number;
  mimeType: string;
}

export interface MediaCacheLimits {
  imageBytes: number;
  videoBytes: number;
}

export interface MediaCacheKindSize {
  files: number;
  bytes: number;
  limitBytes: number;
}

export interface MediaCacheSize {
  images: MediaCacheKindSize;
  videos: MediaCacheKindSize;
  /** images.bytes + videos.bytes */
  bytes: number;
}

const SUBDIR: Record<MediaKind, string> = { image: 'images', video: 'videos' };
const KINDS: readonly MediaKind[] = ['image', 'video'];

export function isMediaName(name: string): boolean {
  return MEDIA_NAME_RE.test(name);
}

function mimeOf(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1);
  return MIME_BY_EXT[ext] ?? 'application/octet-stream';
}

export class MediaCache {
  /** Per kind, in LRU order (first = least recently used). */
  private readonly index: Record<MediaKind, Map<string, CachedFile>> = { image: new Map(), video: new Map() };
  private readonly bytes: Record<MediaKind, number> = { image: 0, video: 0 };

  private constructor(
    readonly root: string,
    private readonly limits: () => MediaCacheLimits,
    private readonly logger: Logger | undefined,
  ) {}

  /** Creates the directories and indexes what an earlier run left there. */
  static async open(root: string, limits: () => MediaCacheLimits, logger?: Logger): Promise<MediaCache> {
    const cache = new MediaCache(root, limits, logger);
    // The cache directories are the gateway's alone: 0700 even when an earlier version made them 0755.
    await makePrivateDir(root, { tighten: true });
    for (const kind of KINDS) await cache.scan(kind);
    return cache;
  }

  dir(kind: MediaKind): string {
    return join(this.root, SUBDIR[kind]);
  }

  private async scan(kind: MediaKind): Promise<void> {
    const dir = this.dir(kind);
    await makePrivateDir(dir, { tighten: true });
    const found: CachedFile[] = [];
    for (const name of await readdir(dir)) {
      const path = join(dir, name);
      if (name.startsWith('.tmp-')) {
        await unlink(path).catch(() => undefined); // an interrupted write
        continue;
      }
      if (!isMediaName(name)) continue;
      try {
        const st = await stat(path);
        // Files an earlier version stored 0644: owner only, like every other data file.
        if (st.isFile() && (st.mode & 0o077) !== 0) await chmod(path, PRIVATE_FILE_MODE);
        if (st.isFile()) found.push({ name, kind, path, size: st.size, mtimeMs: st.mtimeMs, mimeType: mimeOf(name) });
      } catch {
        // vanished meanwhile
      }
    }
    found.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const f of found) this.add(f);
    this.evict(kind, undefined);
  }

  private add(f: CachedFile): void {
    this.index[f.kind].set(f.name, f);
    this.bytes[f.kind] += f.size;
  }

  private drop(f: CachedFile): void {
    if (this.index[f.kind].delete(f.name)) this.bytes[f.kind] -= f.size;
  }

  private limit(kind: MediaKind): number {
    const l = this.limits();
    return kind === 'image' ? l.imageBytes : l.videoBytes;
  }

  /** Deletes least recently used files of `kind` until it fits its cap (never `keep`). */
  private evict(kind: MediaKind, keep: string | undefined): void {
    const cap = this.limit(kind);
    const map = this.index[kind];
    for (const f of map.values()) {
      if (this.bytes[kind] <= cap) break;
      if (f.name === keep) continue;
      this.drop(f);
      unlink(f.path).catch((err: unknown) => {
        if ((err as { code?: string }).code !== 'ENOENT') this.logger?.warn({ err, file: f.name }, 'media cache: could not delete');
      });
    }
  }

  /** Writes `bytes` under a new random name (temp file, then rename) and returns it. */
  async store(kind: MediaKind, bytes: Buffer, ext: string): Promise<CachedFile> {
    const name = `${randomBytes(16).toString('hex')}.${ext}`;
    if (!isMediaName(name)) throw new Error(`media cache: unsupported extension "${ext}"`);
    const dir = this.dir(kind);
    const path = join(dir, name);
    const tmp = join(dir, `.tmp-${name}`);
    try {
      await writeFile(tmp, bytes, { mode: PRIVATE_FILE_MODE });
      await rename(tmp, path);
    } catch (err) {
      if ((err as { code?: string }).code === 'ENOENT') {
        // The directory was removed under us (an operator cleaned up): recreate once.
        await makePrivateDir(dir);
        await writeFile(tmp, bytes, { mode: PRIVATE_FILE_MODE });
        await rename(tmp, path);
      } else {
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    }
    const f: CachedFile = { name, kind, path, size: bytes.length, mtimeMs: Date.now(), mimeType: mimeOf(name) };
    this.add(f);
    this.evict(kind, name);
    return f;
  }

  /**
   * The cached file called `name`, or undefined. The name is checked against MEDIA_NAME_RE before
   * anything else, so nothing outside the cache directory can ever be reached. Marks it as used.
   */
  lookup(kind: MediaKind, name: string): CachedFile | undefined {
    if (!isMediaName(name)) return undefined;
    const map = this.index[kind];
    const f = map.get(name);
    if (!f) return undefined;
    map.delete(name);
    map.set(name, f);
    return f;
  }

  /** The bytes of a cached file (e.g. to re-upload an image we generated), or undefined. */
  async read(kind: MediaKind, name: string): Promise<{ bytes: Buffer; mimeType: string } | undefined> {
    const f = this.lookup(kind, name);
    if (!f) return undefined;
    try {
      return { bytes: await readFile(f.path), mimeType: f.mimeType };
    } catch {
      this.drop(f);
      return undefined;
    }
  }

  /** Forgets a file the server found missing on disk. */
  forget(f: CachedFile): void {
    this.drop(f);
  }

  size(): MediaCacheSize {
    const kindSize = (kind: MediaKind): MediaCacheKindSize => ({
      files: this.index[kind].size,
      bytes: this.bytes[kind],
      limitBytes: this.limit(kind),
    });
    const images = kindSize('image');
    const videos = kindSize('video');
    return { images, videos, bytes: images.bytes + videos.bytes };
  }

  /** Deletes every cached file (of one kind, or both). Links handed out before stop working. */
  async clear(kind?: MediaKind): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    for (const k of kind ? [kind] : KINDS) {
      const list = [...this.index[k].values()];
      for (const f of list) {
        this.drop(f);
        files++;
        bytes += f.size;
        await unlink(f.path).catch(() => undefined);
      }
    }
    return { files, bytes };
  }
}
