// In-flight counters in MySQL. The increment is one conditional UPDATE (row-locked, so the cap
// holds under concurrency from any number of instances); the row is created on first use. Each
// acquire refreshes expires_at; an expired counter starts again from zero (a crashed instance's
// leases do not block the account forever). Times come from the database server's clock.
import type { InflightCounter } from '../types.js';
import type { MysqlDb } from './mysql-db.js';
import { NOW_MS, type MysqlTables } from './mysql-schema.js';

export class MysqlInflightCounter implements InflightCounter {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
    private readonly ttlMs: number,
  ) {}

  tryAcquire(accountId: string, max: number): Promise<boolean> {
    return this.db.run('acquiring an in-flight slot', async () => {
      if (max <= 0) return false;
      if (await this.increment(accountId, max)) return true;
      const ins = await this.db.exec(`INSERT IGNORE INTO ${this.tables.inflight} (account_id, n, expires_at) VALUES (?, 1, ${NOW_MS} + ?)`, [
        accountId,
        this.ttlMs,
      ]);
      if (ins.affectedRows === 1) return true;
      // The row exists (another instance just created it, or it is at the cap): decide on it.
      return this.increment(accountId, max);
    });
  }

  release(accountId: string): Promise<void> {
    return this.db.run('releasing an in-flight slot', async () => {
      await this.db.exec(`UPDATE ${this.tables.inflight} SET n = n - 1 WHERE account_id = ? AND n > 0`, [accountId]);
    });
  }

  current(accountId: string): Promise<number> {
    return this.db.run('reading an in-flight counter', async () => {
      const rows = await this.db.rows(
        `SELECT IF(expires_at < ${NOW_MS}, 0, n) AS n FROM ${this.tables.inflight} WHERE account_id = ?`,
        [accountId],
      );
      return Math.max(0, Number(rows[0]?.n ?? 0));
    });
  }

  /** n+1 if below max (or expired: then 1); true when the row matched. */
  private async increment(accountId: string, max: number): Promise<boolean> {
    const res = await this.db.exec(
      `UPDATE ${this.tables.inflight} SET n = IF(expires_at < ${NOW_MS}, 1, n + 1), expires_at = ${NOW_MS} + ? ` +
        `WHERE account_id = ? AND (n < ? OR expires_at < ${NOW_MS})`,
      [this.ttlMs, accountId, max],
    );
    return res.affectedRows === 1;
  }
}
