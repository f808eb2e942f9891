// Admin sessions: random 256-bit tokens with an expiry. Kept in memory and in store.kv (under the
// SHA-256 of the token, never the token itself), so they survive a restart and every instance on
// a shared store accepts them. A cached session is re-checked against the store every few seconds,
// so a logout on one instance reaches the others; while the store is unreachable the cache answers.
import { createHash, randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { KvStore } from '../../store/index.js';

export interface AdminSession {
  user: string;
  createdAt: number;
  expiresAt: number;
}

const KEY_PREFIX = 'admin:session:';
/** Index of live sessions (hash → expiresAt), used to prune expired ones and to log everyone out. */
const INDEX_KEY = 'admin:sessions';
const RECHECK_MS = 5_000;
const MAX_CACHED = 1_000;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

function parseSession(text: string | undefined): AdminSession | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<AdminSession>;
    if (typeof v.user === 'string' && typeof v.createdAt === 'number' && typeof v.expiresAt === 'number') return { user: v.user, createdAt: v.createdAt, expiresAt: v.expiresAt };
  } catch {
    // fall through
  }
  return undefined;
}

export interface SessionStoreOptions {
  kv: KvStore;
  logger: Logger;
  now?: () => number;
}

export class SessionStore {
  private readonly cache = new Map<string, { session: AdminSession; checkedAt: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: SessionStoreOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Creates a session; throws (a StoreError) when the store cannot keep it. */
  async create(user: string, ttlMs: number): Promise<{ token: string; session: AdminSession }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const session: AdminSession = { user, createdAt: now, expiresAt: now + ttlMs };
    const hash = hashOf(token);
    await this.opts.kv.set(KEY_PREFIX + hash, JSON.stringify(session));
    this.remember(hash, session, now);
    await this.updateIndex((index) => {
      index[hash] = session.expiresAt;
    }).catch((err: unknown) => this.opts.logger.warn({ err: String(err) }, 'admin sessions: index update failed'));
    return { token, session };
  }

  /** The live session for `token`, or undefined (unknown, expired or logged out). */
  async get(token: string): Promise<AdminSession | undefined> {
    if (!token || token.length > 200) return undefined;
    const hash = hashOf(token);
    const now = this.now();
    const hit = this.cache.get(hash);
    if (hit && hit.session.expiresAt <= now) {
      this.cache.delete(hash);
      return undefined;
    }
    if (hit && now - hit.checkedAt < RECHECK_MS) return hit.session;
    let stored: AdminSession | undefined;
    try {
      stored = parseSession(await this.opts.kv.get(KEY_PREFIX + hash));
    } catch {
      return hit?.session; // store unreachable: trust what this instance knows
    }
    if (!stored || stored.expiresAt <= now) {
      this.cache.delete(hash);
      return undefined;
    }
    this.remember(hash, stored, now);
    return stored;
  }

  async delete(token: string): Promise<void> {
    const hash = hashOf(token);
    this.cache.delete(hash);
    await this.opts.kv.delete(KEY_PREFIX + hash);
    await this.updateIndex((index) => {
      delete index[hash];
    }).catch(() => undefined);
  }

  /** Ends every session except `keepToken`'s (after a password change). */
  async deleteAllExcept(keepToken: string | undefined): Promise<number> {
    const keep = keepToken === undefined ? undefined : hashOf(keepToken);
    let n = 0;
    const index = await this.readIndex();
    const hashes = new Set([...Object.keys(index), ...this.cache.keys()]);
    for (const hash of hashes) {
      if (hash === keep) continue;
      this.cache.delete(hash);
      await this.opts.kv.delete(KEY_PREFIX + hash);
      n++;
    }
    await this.updateIndex((idx) => {
      for (const h of Object.keys(idx)) if (h !== keep) delete idx[h];
    });
    return n;
  }

  private remember(hash: string, session: AdminSession, now: number): void {
    this.cache.delete(hash);
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(hash, { session, checkedAt: now });
  }

  private async readIndex(): Promise<Record<string, number>> {
    const text = await this.opts.kv.get(INDEX_KEY);
    if (text === undefined) return {};
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, number>;
    } catch {
      // a damaged index is rebuilt from scratch
    }
    return {};
  }

  /** Read-modify-write of the index; expired entries (and their documents) are pruned on the way. */
  private async updateIndex(change: (index: Record<string, number>) => void): Promise<void> {
    const index = await this.readIndex();
    const now = this.now();
    for (const [hash, expiresAt] of Object.entries(index)) {
      if (typeof expiresAt !== 'number' || expiresAt <= now) {
        delete index[hash];
        await this.opts.kv.delete(KEY_PREFIX + hash).catch(() => undefined);
      }
    }
    change(index);
    await this.opts.kv.set(INDEX_KEY, JSON.stringify(index));
  }
}
