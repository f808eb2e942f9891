// Moving over from the Python grok2api: a `token.json` left in DATA_DIR is imported once at
// start (its modification time is remembered in the store, so a restart does not re-import).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import type { AccountService } from './account-service.js';
import { parsePythonTokenFile } from './token-import.js';

const KV_KEY = 'legacy-import:token.json';

export async function importLegacyTokenFile(dataDir: string, accounts: AccountService, store: Store, logger: Logger): Promise<number> {
  const file = join(dataDir, 'token.json');
  let mtime: string;
  try {
    mtime = String(statSync(file).mtimeMs);
  } catch {
    return 0; // no legacy file: nothing to do
  }
  if ((await store.kv.get(KV_KEY).catch(() => undefined)) === mtime) return 0;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    logger.error({ file, err: err instanceof Error ? err.message : String(err) }, 'token.json is not valid JSON: not imported');
    return 0;
  }
  const parsed = parsePythonTokenFile(json);
  for (const e of parsed.errors) logger.warn({ file, line: e.line }, `token.json: ${e.message}`);
  const r = accounts.addEntries(parsed.entries);
  await store.kv.set(KV_KEY, mtime).catch(() => undefined);
  logger.info({ file, added: r.added, updated: r.updated }, 'imported the Python grok2api token file');
  return r.added + r.updated;
}
