// The data directory holds tokens, sessions, configuration with secrets and generated media: what
// the gateway creates there is for its own user only, directories 0700 and files 0600, whatever
// the process umask (mkdir's mode is masked by it, so the mode is set again explicitly).
import { chmod, mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` and its missing parents as 0700. A directory that already existed keeps its mode,
 * unless `tighten` (for directories that are the gateway's alone, like the media cache).
 */
export async function makePrivateDir(dir: string, opts: { tighten?: boolean } = {}): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) {
    if (opts.tighten) await chmod(dir, PRIVATE_DIR_MODE).catch(() => undefined);
    return;
  }
  // `first` is the outermost directory created: set the mode on it and everything below it.
  for (let d = dir; ; d = dirname(d)) {
    await chmod(d, PRIVATE_DIR_MODE);
    if (d === first || dirname(d) === d) break;
  }
}

/** The permission bits of `path` (e.g. 0o755), or undefined when it cannot be read. */
export async function permissionsOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}
