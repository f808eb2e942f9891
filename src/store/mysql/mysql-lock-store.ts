// Named locks in MySQL: a row (owner, expires_at) taken by one conditional UPDATE or INSERT IGNORE,
// so exactly one instance holds an unexpired lock. Times come from the database server's clock.
import type { LockStore } from '../types.js';
import type { MysqlDb } from './mysql-db.js';
import { NOW_MS, type MysqlTables } from './mysql-schema.js';

export class MysqlLockStore implements LockStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    return this.db.run('taking a lock', async () => {
      const ttl = Math.max(1, Math.ceil(ttlMs));
      // Take it over if expired, or extend it if this owner already holds it.
      const upd = await this.db.exec(
        `UPDATE ${this.tables.locks} SET owner = ?, expires_at = ${NOW_MS} + ? WHERE name = ? AND (owner = ? OR expires_at <= ${NOW_MS})`,
        [owner, ttl, name, owner],
      );
      if (upd.affectedRows === 1) return true;
      const ins = await this.db.exec(`INSERT IGNORE INTO ${this.tables.locks} (name, owner, expires_at) VALUES (?, ?, ${NOW_MS} + ?)`, [
        name,
        owner,
        ttl,
      ]);
      return ins.affectedRows === 1;
    });
  }

  unlock(name: string, owner: string): Promise<void> {
    return this.db.run('releasing a lock', async () => {
      await this.db.exec(`DELETE FROM ${this.tables.locks} WHERE name = ? AND owner = ?`, [name, owner]);
    });
  }
}
