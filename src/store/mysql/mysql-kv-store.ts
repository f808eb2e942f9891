// Small documents in one MySQL table.
import type { KvStore } from '../types.js';
import type { MysqlDb } from './mysql-db.js';
import type { MysqlTables } from './mysql-schema.js';

export class MysqlKvStore implements KvStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  get(key: string): Promise<string | undefined> {
    return this.db.run('reading a document', async () => {
      const rows = await this.db.rows(`SELECT v FROM ${this.tables.kv} WHERE k = ?`, [key]);
      const row = rows[0];
      return row === undefined ? undefined : String(row.v);
    });
  }

  set(key: string, value: string): Promise<void> {
    return this.db.run('writing a document', async () => {
      await this.db.exec(`INSERT INTO ${this.tables.kv} (k, v) VALUES (?, ?) ON DUPLICATE KEY UPDATE v = VALUES(v)`, [key, value]);
    });
  }

  delete(key: string): Promise<void> {
    return this.db.run('deleting a document', async () => {
      await this.db.exec(`DELETE FROM ${this.tables.kv} WHERE k = ?`, [key]);
    });
  }
}
