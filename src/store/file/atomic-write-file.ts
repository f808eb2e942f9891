// Replaces a file so that a reader (or a restart after kill -9) sees either the old content or
// the new, never a mix: write a temp file in the same directory, fsync it, rename it over the
// target, fsync the directory so the rename itself is durable.
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const TEMP_INFIX = '.tmp-';
/** Pieces are written in chunks of about this many characters (no giant joined string). */
const CHUNK_CHARS = 1 << 20;
let tempCounter = 0;

function tempPathFor(path: string): string {
  tempCounter = (tempCounter + 1) % 1_000_000;
  return `${path}${TEMP_INFIX}${process.pid}-${Date.now()}-${tempCounter}`;
}

/** Atomically replaces `path` with the concatenation of `pieces`. The file is created with `mode`. */
export async function atomicWriteFile(path: string, pieces: readonly string[], mode = 0o600): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'w', mode);
  let closed = false;
  try {
    let chunk: string[] = [];
    let size = 0;
    for (const piece of pieces) {
      chunk.push(piece);
      size += piece.length;
      if (size >= CHUNK_CHARS) {
        await fh.write(chunk.join(''));
        chunk = [];
        size = 0;
      }
    }
    if (chunk.length > 0) await fh.write(chunk.join(''));
    await fh.sync();
    await fh.close();
    closed = true;
    await rename(tmp, path);
  } catch (err) {
    if (!closed) await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDirectory(dirname(path));
}

async function fsyncDirectory(dir: string): Promise<void> {
  let dh;
  try {
    dh = await open(dir, 'r');
    await dh.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await dh?.close().catch(() => undefined);
  }
}

/** Deletes temp files a killed process left next to `path`; returns how many. */
export async function removeStaleTempFiles(path: string): Promise<number> {
  const dir = dirname(path);
  const prefix = basename(path) + TEMP_INFIX;
  let removed = 0;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    await unlink(join(dir, name)).catch(() => undefined);
    removed++;
  }
  return removed;
}
