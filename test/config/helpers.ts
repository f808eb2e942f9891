// Temp data directories for config tests.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

const made: string[] = [];
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp DATA_DIR, optionally with a config.toml; removed after the test file. */
export function tempDataDir(configToml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'grok2api-config-'));
  made.push(dir);
  if (configToml !== undefined) writeFileSync(join(dir, 'config.toml'), configToml);
  return dir;
}
