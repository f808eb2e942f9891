// Reads a store file at start-up. A missing file is an empty store; a file that does not parse is
// moved aside (never overwritten) so the operator can inspect it, and the store starts empty.
import { copyFile, readFile, rename } from 'node:fs/promises';

export type JsonFileRead = { kind: 'missing' } | { kind: 'ok'; value: unknown } | { kind: 'corrupt'; movedTo: string; error: string };

/** The file's text, or undefined when it does not exist. */
export async function readTextFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export async function readJsonFile(path: string): Promise<JsonFileRead> {
  const text = await readTextFile(path);
  if (text === undefined) return { kind: 'missing' };
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown };
  } catch (err) {
    const movedTo = await moveAside(path, 'corrupt');
    return { kind: 'corrupt', movedTo, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Renames `path` to `<path>.<label>-<epoch ms>`; returns the new path. */
export async function moveAside(path: string, label: string): Promise<string> {
  const to = `${path}.${label}-${Date.now()}`;
  await rename(path, to);
  return to;
}

/** Copies `path` to `<path>.<label>-<epoch ms>` (the original stays); returns the copy's path. */
export async function copyAside(path: string, label: string): Promise<string> {
  const to = `${path}.${label}-${Date.now()}`;
  await copyFile(path, to);
  return to;
}
