// Accounts in MySQL. Every write transaction first advances the change clock row (which it then
// holds locked until commit), so change clocks become visible in increasing order and a reader's
// cursor never skips a write that commits later.
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import type { Logger } from 'pino';
import type { AccountRecord } from '../records.js';
import type { AccountChanges, AccountStore } from '../types.js';
import { decodeAccountRecords } from '../decode-account-records.js';
import type { MysqlDb, SqlValue } from './mysql-db.js';
import { NOW_MS, type MysqlTables } from './mysql-schema.js';

/** Rows per multi-row INSERT, and a cap on its size (max_allowed_packet is often 16 MB). */
const WRITE_CHUNK = 500;
const WRITE_CHUNK_CHARS = 4 << 20;
const ID_CHUNK = 1000;
const LOAD_TIMEOUT_MS = 120_000;

export interface MysqlAccountStoreOptions {
  db: MysqlDb;
  tables: MysqlTables;
  logger: Logger;
  deletionRetentionMs: number;
}

export class MysqlAccountStore implements AccountStore {
  constructor(private readonly opts: MysqlAccountStoreOptions) {}

  loadAll(): Promise<AccountRecord[]> {
    const { db, tables } = this.opts;
    return db.run('loading accounts', async () => {
      const rows = await db.rows(`SELECT data FROM ${tables.accounts}`, [], undefined, LOAD_TIMEOUT_MS);
      return this.decode(rows);
    });
  }

  upsertMany(records: AccountRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const { db, tables } = this.opts;
    return db.run('writing accounts', () =>
      db.transaction('READ COMMITTED', async (conn) => {
        const clock = await this.nextClock(conn);
        const ids = [...new Set(records.map((r) => r.id))];
        const deletedAt = new Map<string, number>();
        for (let i = 0; i < ids.length; i += ID_CHUNK) {
          const rows = await db.rows(`SELECT id, changed_at FROM ${tables.deletions} WHERE id IN (?)`, [ids.slice(i, i + ID_CHUNK)], conn);
          for (const row of rows) deletedAt.set(String(row.id), Number(row.changed_at));
        }
        // A deletion newer than the record wins (a stale write must not resurrect the account).
        const accepted = records.filter((r) => (deletedAt.get(r.id) ?? -Infinity) < r.updatedAt);
        // Each assignment sees the columns already assigned, so updated_at goes last.
        const newer = 'VALUES(updated_at) >= updated_at';
        const sql =
          `INSERT INTO ${tables.accounts} (id, token, data, updated_at, changed_at) VALUES ? ` +
          `ON DUPLICATE KEY UPDATE token = IF(${newer}, VALUES(token), token), data = IF(${newer}, VALUES(data), data), ` +
          `changed_at = IF(${newer}, VALUES(changed_at), changed_at), updated_at = IF(${newer}, VALUES(updated_at), updated_at)`;
        for (const chunk of chunkRows(accepted, clock)) await db.exec(sql, [chunk], conn);
        const revived = [...new Set(accepted.filter((r) => deletedAt.has(r.id)).map((r) => r.id))];
        for (let i = 0; i < revived.length; i += ID_CHUNK) {
          await db.exec(`DELETE FROM ${tables.deletions} WHERE id IN (?)`, [revived.slice(i, i + ID_CHUNK)], conn);
        }
      }),
    );
  }

  deleteMany(ids: string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    const { db, tables } = this.opts;
    const unique = [...new Set(ids)];
    return db.run('deleting accounts', () =>
      db.transaction('READ COMMITTED', async (conn) => {
        const clock = await this.nextClock(conn);
        for (let i = 0; i < unique.length; i += ID_CHUNK) {
          const chunk = unique.slice(i, i + ID_CHUNK);
          await db.exec(`DELETE FROM ${tables.accounts} WHERE id IN (?)`, [chunk], conn);
          await db.exec(
            `INSERT INTO ${tables.deletions} (id, changed_at) VALUES ? ON DUPLICATE KEY UPDATE changed_at = VALUES(changed_at)`,
            [chunk.map((id) => [id, clock])],
            conn,
          );
        }
        await db.exec(`DELETE FROM ${tables.deletions} WHERE changed_at < ${NOW_MS} - ?`, [this.opts.deletionRetentionMs], conn);
      }),
    );
  }

  changesSince(cursor: number): Promise<AccountChanges> {
    const { db, tables } = this.opts;
    return db.run('reading account changes', () =>
      // One snapshot for both reads: an id is never both changed and deleted in one answer.
      db.transaction(
        'REPEATABLE READ',
        async (conn) => {
          const rows = await db.rows(
            `SELECT data, changed_at FROM ${tables.accounts} WHERE changed_at > ? ORDER BY changed_at`,
            [cursor],
            conn,
            LOAD_TIMEOUT_MS,
          );
          const gone = await db.rows(`SELECT id, changed_at FROM ${tables.deletions} WHERE changed_at > ?`, [cursor], conn);
          let next = cursor;
          for (const row of rows) next = Math.max(next, Number(row.changed_at));
          for (const row of gone) next = Math.max(next, Number(row.changed_at));
          return { records: this.decode(rows), deleted: gone.map((row) => String(row.id)), cursor: next };
        },
        true,
      ),
    );
  }

  /** Advances the change clock to max(server ms, last + 1) and holds its row until commit. */
  private async nextClock(conn: PoolConnection): Promise<number> {
    const { db, tables } = this.opts;
    await db.exec(`UPDATE ${tables.clock} SET value = GREATEST(value + 1, ${NOW_MS}) WHERE name = 'accounts'`, [], conn);
    const rows = await db.rows(`SELECT value FROM ${tables.clock} WHERE name = 'accounts'`, [], conn);
    const value = Number(rows[0]?.value);
    if (!Number.isFinite(value) || value <= 0) throw new Error('change clock row is missing');
    return value;
  }

  private decode(rows: readonly RowDataPacket[]): AccountRecord[] {
    return decodeAccountRecords(rows.map((row) => String(row.data)), 'mysql', this.opts.logger);
  }
}

function* chunkRows(records: readonly AccountRecord[], clock: number): Generator<SqlValue[][]> {
  let chunk: SqlValue[][] = [];
  let chars = 0;
  for (const rec of records) {
    const json = JSON.stringify(rec);
    if (chunk.length >= WRITE_CHUNK || (chunk.length > 0 && chars + json.length > WRITE_CHUNK_CHARS)) {
      yield chunk;
      chunk = [];
      chars = 0;
    }
    chunk.push([rec.id, rec.token, json, rec.updatedAt, clock]);
    chars += json.length + rec.token.length;
  }
  if (chunk.length > 0) yield chunk;
}
