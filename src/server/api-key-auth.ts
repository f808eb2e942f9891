// Bearer API keys for /v1. Keys are compared by their SHA-256 digests with timingSafeEqual, and
// every configured key is checked (no early exit), so timing reveals neither key nor position.
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAIHttpError } from '../openai/errors.js';
import { maskToken } from '../accounts/index.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

// Digests of the configured keys, recomputed only when the key list object changes (live edits).
let cachedKeys: readonly string[] | undefined;
let cachedDigests: Buffer[] = [];
function keyDigests(keys: readonly string[]): Buffer[] {
  if (keys !== cachedKeys) {
    cachedKeys = keys;
    cachedDigests = keys.map(digest);
  }
  return cachedDigests;
}

export interface ApiKeyMatch {
  /** Safe name for logs: the masked key. */
  name: string;
}

export function checkApiKey(authorization: string | undefined, xApiKey: string | undefined, keys: readonly string[]): ApiKeyMatch | undefined {
  if (keys.length === 0) return { name: 'anonymous' };
  let presented: string | undefined;
  if (authorization && /^bearer\s+/i.test(authorization)) presented = authorization.replace(/^bearer\s+/i, '').trim();
  else if (xApiKey) presented = xApiKey.trim();
  if (!presented) {
    throw new OpenAIHttpError(401, 'Missing API key: send it as "Authorization: Bearer <key>"', {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
  }
  const p = digest(presented);
  const digests = keyDigests(keys);
  let hit: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (timingSafeEqual(p, digests[i] as Buffer) && hit === undefined) hit = keys[i];
  }
  if (hit === undefined) {
    throw new OpenAIHttpError(401, `Incorrect API key provided: ${maskToken(presented)}`, {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
  }
  return { name: maskToken(hit) };
}
