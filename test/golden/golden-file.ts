// Golden files (the Vercel AI SDK's __fixtures__/snapshot style): what a client received, checked
// in under test/fixtures/golden/, compared byte for byte after normalise(). Run with
// UPDATE_GOLDEN=1 to rewrite them (then review every changed file as a client would).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GOLDEN_DIR = new URL('../fixtures/golden/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

/**
 * The ONLY rewrites applied before comparing; each one is a value the gateway makes up per call
 * (nothing Grok sent, nothing a client could rely on):
 *  - `chatcmpl-…` completion ids (random per call)           → `chatcmpl-<id>`
 *  - `"created":<unix seconds>` (the clock)                   → `"created":0`
 *  - `call_…` tool-call ids (random per call)                  → `call_<id>`
 *  - media cache names `/images|videos/<32 hex>.` (random per file)  → `/images/<name>.`
 * system_fingerprint is NOT normalised: it comes from the model hash Grok sent, not from chance.
 */
export function normalise(text: string): string {
  return text
    .replace(/chatcmpl-[A-Za-z0-9_-]+/g, 'chatcmpl-<id>')
    .replace(/"created":\d+/g, '"created":0')
    .replace(/\bcall_[A-Za-z0-9_-]+/g, 'call_<id>')
    .replace(/\/(images|videos)\/[0-9a-f]{32}\./g, '/$1/<name>.');
}

/** A response as a golden file: one header line (status, content type), then the exact body. */
export function goldenText(status: number, contentType: string | undefined, body: string): string {
  return `HTTP ${status} ${contentType ?? '-'}\n${normalise(body)}`;
}

/**
 * Compares `actual` with the golden file `relPath` (under test/fixtures/golden/), or writes it when
 * UPDATE_GOLDEN=1. A JSON body is first compared parsed, which gives a field-by-field diff, then byte
 * for byte (key order and spacing are part of what the client gets).
 */
export function expectGolden(relPath: string, actual: string): void {
  const file = fileURLToPath(new URL(relPath, GOLDEN_DIR));
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  assert.ok(existsSync(file), `no golden file ${relPath}: run UPDATE_GOLDEN=1 npm run test:only -- test/golden, then review it`);
  const expected = readFileSync(file, 'utf8');
  if (actual === expected) return;
  const hint = `golden ${relPath} differs (if the change is intended: UPDATE_GOLDEN=1 npm run test:only -- test/golden, then review the diff)`;
  const parsed = (t: string): unknown => {
    try {
      return JSON.parse(t.slice(t.indexOf('\n') + 1)) as unknown;
    } catch {
      return undefined;
    }
  };
  const [a, e] = [parsed(actual), parsed(expected)];
  if (a !== undefined && e !== undefined) assert.deepEqual(a, e, hint);
  assert.equal(actual, expected, hint);
}
