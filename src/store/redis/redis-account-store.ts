// Accounts in Redis: one JSON string per account, plus sorted sets of changes and deletions
// scored by the change clock (assigned atomically by the server), so changesSince never misses a
// write that lands after a reader's cursor even when the record's own updatedAt is older.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { AccountRecord } from '../records.js';
import type { AccountChanges, AccountStore } from '../types.js';
import { decodeAccountRecords } from '../decode-account-records.js';
import type { RedisKeys } from './redis-keys.js';
import { deleteAccountsScript, upsertAccountsScript } from './redis-scripts.js';

/** Records per script call (one atomic step) and keys per MGET. */
const WRITE_CHUNK = 500;
const WRITE_CHUNK_CHARS = 4 << 20;
const READ_CHUNK = 1000;

export interface RedisAccountStoreOptions {
  client: Redis;
  keys: RedisKeys;
  logger: Logger;
  deletionRetentionMs: number;
  /** Runs an operation with the store's health tracking and fail-fast checks. */
  run: <T>(context: string, op: () => Promise<T>) => Promise<T>;
}

export class RedisAccountStore implements AccountStore {
  constructor(private readonly opts: RedisAccountStoreOptions) {}

  loadAll(): Promise<AccountRecord[]> {
    return this.opts.run('loading accounts', async () => {
      const ids = await this.opts.client.zrange(this.opts.keys.changed, 0, -1);
      return this.fetch(ids);
    });
  }

  upsertMany(records: AccountRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return this.opts.run('writing accounts', async () => {
      const { client, keys } = this.opts;
      for (const chunk of chunkRecords(records)) {
        const accountKeys: string[] = [keys.clock, keys.changed, keys.deleted];
        const args: (string | number)[] = [];
        for (const { rec, json } of chunk) {
          accountKeys.push(keys.account(rec.id));
          args.push(rec.id, rec.updatedAt, json);
        }
        await upsertAccountsScript.run(client, accountKeys, args);
      }
    });
  }

  deleteMany(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return this.opts.run('deleting accounts', async () => {
      const { client, keys } = this.opts;
      for (let i = 0; i < ids.length; i += WRITE_CHUNK) {
        const chunk = ids.slice(i, i + WRITE_CHUNK);
        await deleteAccountsScript.run(
          client,
          [keys.clock, keys.changed, keys.deleted, ...chunk.map((id) => keys.account(id))],
          [this.opts.deletionRetentionMs, ...chunk],
        );
      }
    });
  }

  changesSince(cursor: number): Promise<AccountChanges> {
    return this.opts.run('reading account changes', async () => {
      const { client, keys } = this.opts;
      const from = `(${cursor}`;
      // One MULTI: changes and deletions from the same moment (an id is never in both).
      const res = await client
        .multi()
        .zrangebyscore(keys.changed, from, '+inf', 'WITHSCORES')
        .zrangebyscore(keys.deleted, from, '+inf', 'WITHSCORES')
        .exec();
      if (!res) throw new Error('transaction aborted');
      const changed = pairs(res[0]);
      const gone = pairs(res[1]);
      let next = cursor;
      for (const [, score] of changed) if (score > next) next = score;
      for (const [, score] of gone) if (score > next) next = score;
      // A record deleted since the MULTI is skipped here; its deletion comes with the next call.
      const records = await this.fetch(changed.map(([id]) => id));
      return { records, deleted: gone.map(([id]) => id), cursor: next };
    });
  }

  /** MGETs the records (pipelined chunks), validating each; missing ones are skipped. */
  private async fetch(ids: readonly string[]): Promise<AccountRecord[]> {
    const { client, keys, logger } = this.opts;
    if (ids.length === 0) return [];
    const pipeline = client.pipeline();
    for (let i = 0; i < ids.length; i += READ_CHUNK) {
      pipeline.mget(ids.slice(i, i + READ_CHUNK).map((id) => keys.account(id)));
    }
    const results = await pipeline.exec();
    if (!results) throw new Error('pipeline aborted');
    const jsons: string[] = [];
    for (const [err, value] of results) {
      if (err) throw err;
      if (!Array.isArray(value)) throw new Error('unexpected MGET reply');
      for (const json of value as unknown[]) if (typeof json === 'string') jsons.push(json);
    }
    return decodeAccountRecords(jsons, 'redis', logger);
  }
}

function* chunkRecords(records: readonly AccountRecord[]): Generator<{ rec: AccountRecord; json: string }[]> {
  let chunk: { rec: AccountRecord; json: string }[] = [];
  let chars = 0;
  for (const rec of records) {
    const json = JSON.stringify(rec);
    if (chunk.length >= WRITE_CHUNK || (chunk.length > 0 && chars + json.length > WRITE_CHUNK_CHARS)) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push({ rec, json });
    chars += json.length;
  }
  if (chunk.length > 0) yield chunk;
}

/** [member, score, member, score, ...] from a MULTI result entry. */
function pairs(entry: [Error | null, unknown] | undefined): [string, number][] {
  if (!entry) throw new Error('missing reply');
  const [err, value] = entry;
  if (err) throw err;
  if (!Array.isArray(value)) throw new Error('unexpected ZRANGEBYSCORE reply');
  const flat = value as unknown[];
  const out: [string, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([String(flat[i]), Number(flat[i + 1])]);
  return out;
}
