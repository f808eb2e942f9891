// The media index in MySQL: one row per generated file (name → entry JSON).
import { parseMediaIndexEntry, type MediaIndexEntry } from '../media-index-entry.js';
import type { MediaIndexStore } from '../types.js';
import type { MysqlDb } from './mysql-db.js';
import type { MysqlTables } from './mysql-schema.js';

export class MysqlMediaIndexStore implements MediaIndexStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  put(entry: MediaIndexEntry): Promise<void> {
    return this.db.run('indexing a media file', async () => {
      await this.db.exec(`INSERT INTO ${this.tables.mediaIndex} (name, created_at, data) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data)`, [
        entry.name,
        entry.createdAt,
        JSON.stringify(entry),
      ]);
    });
  }

  get(name: string): Promise<MediaIndexEntry | undefined> {
    return this.db.run('reading the media index', async () => {
      const row = (await this.db.rows(`SELECT data FROM ${this.tables.mediaIndex} WHERE name = ?`, [name]))[0];
      return row === undefined ? undefined : parseMediaIndexEntry(String(row.data));
    });
  }

  delete(name: string): Promise<void> {
    return this.db.run('deleting from the media index', async () => {
      await this.db.exec(`DELETE FROM ${this.tables.mediaIndex} WHERE name = ?`, [name]);
    });
  }
}
