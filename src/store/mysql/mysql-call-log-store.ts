// The call log in MySQL: one row per call, the entry's JSON in `data` plus indexed columns (start
// time, status, model, account, api key) for operators who query the table directly. Each append
// deletes the rows beyond the newest `cap` (by insertion order).
import { parseCallLogJson } from '../call-log-record.js';
import type { CallLogRecord, CallLogStore } from '../types.js';
import type { MysqlDb, SqlValue } from './mysql-db.js';
import type { MysqlTables } from './mysql-schema.js';

/** Rows per INSERT statement. */
const CHUNK = 500;

const col = (v: string | undefined, max: number): string | null => (v === undefined ? null : v.slice(0, max));

export class MysqlCallLogStore implements CallLogStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  append(entries: readonly CallLogRecord[], cap: number): Promise<void> {
    const t = this.tables.callLogs;
    return this.db.run('appending to the call log', async () => {
      for (let i = 0; i < entries.length; i += CHUNK) {
        const chunk = entries.slice(i, i + CHUNK);
        const values: SqlValue[] = [];
        for (const e of chunk) {
          values.push(e.id, e.time, e.status, col(e.model, 191), col(e.account, 64), col(e.apiKey, 64), JSON.stringify(e));
        }
        await this.db.exec(
          `INSERT IGNORE INTO ${t} (id, started_at, status, model, account, api_key, data) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
          values,
        );
      }
      if (entries.length === 0) return;
      const rows = await this.db.rows(`SELECT seq FROM ${t} ORDER BY seq DESC LIMIT 1 OFFSET ?`, [Math.max(1, cap)]);
      const edge = rows[0];
      if (edge !== undefined) await this.db.exec(`DELETE FROM ${t} WHERE seq <= ?`, [Number(edge.seq)]);
    });
  }

  loadRecent(limit: number): Promise<CallLogRecord[]> {
    return this.db.run('reading the call log', async () => {
      if (limit <= 0) return [];
      const rows = await this.db.rows(`SELECT data FROM ${this.tables.callLogs} ORDER BY seq DESC LIMIT ?`, [limit]);
      const out: CallLogRecord[] = [];
      for (let i = rows.length - 1; i >= 0; i--) {
        const rec = parseCallLogJson(String(rows[i]?.data));
        if (rec) out.push(rec);
      }
      return out;
    });
  }

  deleteBefore(before?: number): Promise<number> {
    return this.db.run('deleting from the call log', async () => {
      const res =
        before === undefined
          ? await this.db.exec(`DELETE FROM ${this.tables.callLogs}`)
          : await this.db.exec(`DELETE FROM ${this.tables.callLogs} WHERE started_at < ?`, [before]);
      return res.affectedRows;
    });
  }
}
