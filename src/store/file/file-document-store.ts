// Expiring documents of the file store: one file per document under ${dataDir}/documents/, named by
// a hash of its key (keys may hold any character), written atomically. Expired files are invisible
// at once and removed by a sweep at start-up and every hour.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocumentStore } from '../types.js';
import { atomicWriteFile } from './atomic-write-file.js';

export const DOCUMENTS_DIR = 'documents';
const SWEEP_INTERVAL_MS = 60 * 60 * 1000;

interface DocumentFile {
  key: string;
  expiresAt: number;
  value: string;
}

function parseFile(text: string): DocumentFile | undefined {
  try {
    const v = JSON.parse(text) as Partial<DocumentFile>;
    if (typeof v.key === 'string' && typeof v.expiresAt === 'number' && typeof v.value === 'string') return v as DocumentFile;
  } catch {
    // A damaged file is treated as absent (and swept).
  }
  return undefined;
}

export class FileDocumentStore implements DocumentStore {
  private readonly dir: string;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    dataDir: string,
    private readonly assertOpen: () => void,
  ) {
    this.dir = join(dataDir, DOCUMENTS_DIR);
    this.sweeper = setInterval(() => void this.sweep().catch(() => undefined), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  private pathOf(key: string): string {
    return join(this.dir, `${createHash('sha256').update(key).digest('hex').slice(0, 40)}.json`);
  }

  private async read(key: string): Promise<DocumentFile | undefined> {
    let text: string;
    try {
      text = await readFile(this.pathOf(key), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const doc = parseFile(text);
    if (!doc || doc.key !== key) return undefined;
    if (doc.expiresAt <= Date.now()) {
      await unlink(this.pathOf(key)).catch(() => undefined);
      return undefined;
    }
    return doc;
  }

  async get(key: string): Promise<string | undefined> {
    this.assertOpen();
    return (await this.read(key))?.value;
  }

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    this.assertOpen();
    await mkdir(this.dir, { recursive: true });
    const doc: DocumentFile = { key, expiresAt: Date.now() + Math.max(1, Math.round(ttlMs)), value };
    await atomicWriteFile(this.pathOf(key), [JSON.stringify(doc)]);
  }

  async delete(key: string): Promise<boolean> {
    this.assertOpen();
    const doc = await this.read(key);
    if (!doc) return false;
    await unlink(this.pathOf(key)).catch(() => undefined);
    return true;
  }

  /**
   * Removes expired and damaged documents; at start-up (`startup`) also the temp files a killed
   * process left (later a temp file may be a write in progress). Returns how many.
   */
  async sweep(startup = false): Promise<number> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return 0;
    }
    let removed = 0;
    const now = Date.now();
    for (const name of names) {
      const path = join(this.dir, name);
      if (!name.endsWith('.json')) {
        if (startup && name.includes('.json.tmp-')) {
          await unlink(path).catch(() => undefined);
          removed++;
        }
        continue;
      }
      const doc = parseFile(await readFile(path, 'utf8').catch(() => ''));
      if (!doc || doc.expiresAt <= now) {
        await unlink(path).catch(() => undefined);
        removed++;
      }
    }
    return removed;
  }

  close(): void {
    clearInterval(this.sweeper);
  }
}
