// DATA_DIR must be writable before anything else starts: the file store, the media cache and
// console-saved settings all write there, and each would otherwise fail later with its own raw
// EACCES stack trace (the usual first-start failure under Docker: a bind-mounted ./data that the
// engine created as root while the gateway runs as uid 1000).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** DATA_DIR cannot be created or written. `message` is one line: what, why, and the fix. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';

  constructor(
    readonly dataDir: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Creates `dir` if needed and proves it writable with a probe file; throws DataDirError if not. */
export async function assertWritableDataDir(dir: string): Promise<void> {
  const probe = join(dir, `.write-check-${process.pid}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (err) {
    const code = typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'error';
    throw new DataDirError(dir, code, dataDirMessage(dir, code));
  }
}

function dataDirMessage(dir: string, code: string): string {
  const uid = process.getuid?.() ?? 1000;
  const gid = process.getgid?.() ?? 1000;
  const why = code === 'EROFS' ? 'it is on a read-only file system' : code === 'ENOSPC' ? 'the disk is full' : `${code}`;
  return (
    `data directory ${dir} (DATA_DIR) is not writable by uid ${uid} (${why}): ` +
    `run \`chown -R ${uid}:${gid} <that directory>\` (for a container's bind mount, on the host, e.g. \`sudo chown -R ${uid}:${gid} ./data\`), ` +
    'or start the container as root so its entrypoint hands the directory to the node user'
  );
}
