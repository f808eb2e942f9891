// Video jobs in MySQL: one row per job, the record's JSON in `data` and its callback state in a
// column of its own, moved by one conditional UPDATE (compare-and-swap) so one instance wins it.
import type { VideoJobStore } from '../types.js';
import { parseVideoJobRecord, type CallbackState, type VideoJobRecord } from '../video-job-record.js';
import type { MysqlDb } from './mysql-db.js';
import type { MysqlTables } from './mysql-schema.js';

function recordJson(job: VideoJobRecord): string {
  const { callbackState: _state, ...rest } = job;
  return JSON.stringify(rest);
}

export class MysqlVideoJobStore implements VideoJobStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  create(job: VideoJobRecord): Promise<void> {
    return this.db.run('creating a video job', async () => {
      await this.db.exec(`INSERT INTO ${this.tables.videoJobs} (id, created_at, expires_at, callback_state, data) VALUES (?, ?, ?, ?, ?)`, [
        job.id,
        job.createdAt,
        job.expiresAt,
        job.callbackState,
        recordJson(job),
      ]);
    });
  }

  get(id: string): Promise<VideoJobRecord | undefined> {
    return this.db.run('reading a video job', async () => {
      const row = (await this.db.rows(`SELECT callback_state, data FROM ${this.tables.videoJobs} WHERE id = ?`, [id]))[0];
      return row === undefined ? undefined : parseVideoJobRecord(String(row.data), String(row.callback_state));
    });
  }

  list(): Promise<VideoJobRecord[]> {
    return this.db.run('listing video jobs', async () => {
      const rows = await this.db.rows(`SELECT callback_state, data FROM ${this.tables.videoJobs} ORDER BY created_at DESC`);
      const out: VideoJobRecord[] = [];
      for (const row of rows) {
        const r = parseVideoJobRecord(String(row.data), String(row.callback_state));
        if (r) out.push(r);
      }
      return out;
    });
  }

  update(job: VideoJobRecord): Promise<boolean> {
    return this.db.run('updating a video job', async () => {
      // FOUND_ROWS: affectedRows counts the matched row even when nothing changed.
      const res = await this.db.exec(`UPDATE ${this.tables.videoJobs} SET expires_at = ?, data = ? WHERE id = ?`, [job.expiresAt, recordJson(job), job.id]);
      return res.affectedRows === 1;
    });
  }

  delete(id: string): Promise<boolean> {
    return this.db.run('deleting a video job', async () => (await this.db.exec(`DELETE FROM ${this.tables.videoJobs} WHERE id = ?`, [id])).affectedRows === 1);
  }

  swapCallbackState(id: string, from: CallbackState, to: CallbackState): Promise<boolean> {
    return this.db.run('moving a video callback state', async () => {
      const res = await this.db.exec(`UPDATE ${this.tables.videoJobs} SET callback_state = ? WHERE id = ? AND callback_state = ?`, [to, id, from]);
      // A matched row whose state already was `to` (from === to) is no move.
      return res.affectedRows === 1 && from !== to;
    });
  }

  deleteExpired(nowMs: number): Promise<number> {
    return this.db.run('deleting expired video jobs', async () =>
      (await this.db.exec(`DELETE FROM ${this.tables.videoJobs} WHERE expires_at IS NOT NULL AND expires_at <= ?`, [nowMs])).affectedRows);
  }
}
