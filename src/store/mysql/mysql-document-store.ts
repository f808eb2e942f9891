// Expiring documents in one MySQL table. Expiry uses the server's clock (NOW_MS) so instances with
// skewed clocks agree; expired rows are invisible at once and purged a few at a time on writes.
import type { DocumentStore } from '../types.js';
import type { MysqlDb } from './mysql-db.js';
import { NOW_MS, type MysqlTables } from './mysql-schema.js';

/** Expired rows removed per write: bounded, so a write never turns into a long purge. */
const PURGE_BATCH = 100;

export class MysqlDocumentStore implements DocumentStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.db.run('reading a stored document', async () => {
      const rows = await this.db.rows(`SELECT v FROM ${this.tables.documents} WHERE k = ? AND expires_at > ${NOW_MS}`, [key]);
      const row = rows[0];
      return row === undefined ? undefined : String(row.v);
    });
  }

  put(key: string, value: string, ttlMs: number): Promise<void> {
    return this.db.run('writing a stored document', async () => {
      const ttl = Math.max(1, Math.round(ttlMs));
      await this.db.exec(
        `INSERT INTO ${this.tables.documents} (k, v, expires_at) VALUES (?, ?, ${NOW_MS} + ?)
         ON DUPLICATE KEY UPDATE v = VALUES(v), expires_at = VALUES(expires_at)`,
        [key, value, ttl],
      );
      await this.db.exec(`DELETE FROM ${this.tables.documents} WHERE expires_at <= ${NOW_MS} LIMIT ${PURGE_BATCH}`);
    });
  }

  delete(key: string): Promise<boolean> {
    return this.db.run('deleting a stored document', async () => {
      const r = await this.db.exec(`DELETE FROM ${this.tables.documents} WHERE k = ? AND expires_at > ${NOW_MS}`, [key]);
      return r.affectedRows > 0;
    });
  }
}
