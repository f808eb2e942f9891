// Bearer API keys for /v1. A new key is compared by its SHA-256 digest with timingSafeEqual against
// every configured key (no early exit), so timing reveals neither key nor position. Keys accepted
// once are remembered in a Map (a hash lookup: its timing depends on the presented string's hash,
// not on how much of a secret it shares).
import { createHash, timingSafeEqual } from 'node:crypto';
import { OpenAIHttpError } from '../openai/index.js';
import { maskToken } from '../accounts/index.js';
import { OPEN_GATEWAY_OWNER, type ResourceOwner } from '../gateway/index.js';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

// Digests of the configured keys, recomputed only when the key list object changes (live edits).
let cachedKeys: readonly string[] | undefined;
let cachedDigests: Buffer[] = [];
// Keys already accepted once → their match, so a client's every request does not pay a SHA-256
// (~2 µs) and a digest comparison per configured key. Only exact configured keys ever get in (at
// most one entry per key), and the map is dropped whenever the key list changes.
let accepted = new Map<string, ApiKeyMatch>();
function keyDigests(keys: readonly string[]): Buffer[] {
  if (keys !== cachedKeys) {
    cachedKeys = keys;
    cachedDigests = keys.map(digest);
    accepted = new Map();
  }
  return cachedDigests;
}

export interface ApiKeyMatch {
  /** Safe name for logs: the masked key. */
  name: string;
  /**
   * Who owns what this key creates (video jobs, ...): `key:` + the first 128 bits of the key's
   * SHA-256, stable across restarts and instances, distinct per key (masked names may collide), and
   * not the key. Never logged or shown (a short key's digest could be brute-forced).
   */
  owner: ResourceOwner;
}

const OPEN_MATCH: ApiKeyMatch = { name: 'anonymous', owner: OPEN_GATEWAY_OWNER };

export function checkApiKey(authorization: string | undefined, xApiKey: string | undefined, keys: readonly string[]): ApiKeyMatch | undefined {
  if (keys.length === 0) return OPEN_MATCH;
  let presented: string | undefined;
  if (authorization && /^bearer\s+/i.test(authorization)) presented = authorization.replace(/^bearer\s+/i, '').trim();
  else if (xApiKey) presented = xApiKey.trim();
  if (!presented) {
    throw new OpenAIHttpError(401, 'Missing API key: send it as "Authorization: Bearer <key>"', {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
  }
  const digests = keyDigests(keys);
  const known = accepted.get(presented);
  if (known) return known;
  const p = digest(presented);
  let hit: string | undefined;
  let hitDigest: Buffer | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (timingSafeEqual(p, digests[i] as Buffer) && hit === undefined) {
      hit = keys[i];
      hitDigest = digests[i];
    }
  }
  if (hit === undefined || hitDigest === undefined) {
    throw new OpenAIHttpError(401, `Incorrect API key provided: ${maskToken(presented)}`, {
      type: 'invalid_request_error',
      code: 'invalid_api_key',
    });
  }
  const match: ApiKeyMatch = { name: maskToken(hit), owner: `key:${hitDigest.subarray(0, 16).toString('hex')}` };
  accepted.set(presented, match);
  return match;
}
