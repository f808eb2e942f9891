// Client keys in MySQL. Every admission is one short transaction that locks the key's row
// (SELECT ... FOR UPDATE) before reading and writing its counters, so concurrent admissions from
// any number of instances are serialised per key: no read-modify-write race, and a key disabled
// on one instance is refused by the next admission on every other.
import type { PoolConnection } from 'mysql2/promise';
import {
  CONCURRENCY_TTL_MS,
  applyAdmission,
  emptyCounters,
  type AdmitSpec,
  type AdmitVerdict,
  type ClientKeyRecord,
  type ClientKeyStore,
  type CounterState,
  type UsageDelta,
  type UsageRow,
} from '../client-key-types.js';
import type { MysqlDb } from './mysql-db.js';
import type { MysqlTables } from './mysql-schema.js';

/** The counters row: the shared state plus when the concurrency slots expire (crashed instances). */
type StoredCounters = CounterState & { ce: number };

export class MysqlClientKeyStore implements ClientKeyStore {
  constructor(
    private readonly db: MysqlDb,
    private readonly tables: MysqlTables,
  ) {}

  loadAll(): Promise<ClientKeyRecord[]> {
    return this.db.run('loading client keys', async () => {
      const rows = await this.db.rows(`SELECT data FROM ${this.tables.clientKeys}`);
      return rows.map((r) => JSON.parse(String(r.data)) as ClientKeyRecord);
    });
  }

  put(rec: ClientKeyRecord): Promise<void> {
    return this.db.run('writing a client key', async () => {
      await this.db.exec(
        `INSERT INTO ${this.tables.clientKeys} (id, data, updated_at) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE data = VALUES(data), updated_at = VALUES(updated_at)`,
        [rec.id, JSON.stringify(rec), rec.updatedAt],
      );
    });
  }

  remove(id: string): Promise<void> {
    return this.db.run('deleting a client key', () =>
      this.db.transaction('READ COMMITTED', async (conn) => {
        await this.db.exec(`DELETE FROM ${this.tables.clientKeys} WHERE id = ?`, [id], conn);
        await this.db.exec(`DELETE FROM ${this.tables.keyCounters} WHERE key_id = ?`, [id], conn);
        await this.db.exec(`DELETE FROM ${this.tables.keyUsage} WHERE key_id = ?`, [id], conn);
      }),
    );
  }

  /** Locks the key's row; undefined when the key is gone. */
  private async lockKey(id: string, conn: PoolConnection): Promise<ClientKeyRecord | undefined> {
    const rows = await this.db.rows(`SELECT data FROM ${this.tables.clientKeys} WHERE id = ? FOR UPDATE`, [id], conn);
    return rows[0] ? (JSON.parse(String(rows[0].data)) as ClientKeyRecord) : undefined;
  }

  private async counters(id: string, conn: PoolConnection): Promise<StoredCounters> {
    const rows = await this.db.rows(`SELECT state FROM ${this.tables.keyCounters} WHERE key_id = ?`, [id], conn);
    return rows[0] ? (JSON.parse(String(rows[0].state)) as StoredCounters) : { ...emptyCounters(), ce: 0 };
  }

  private async saveCounters(id: string, c: StoredCounters, conn: PoolConnection): Promise<void> {
    await this.db.exec(
      `INSERT INTO ${this.tables.keyCounters} (key_id, state) VALUES (?, ?) ON DUPLICATE KEY UPDATE state = VALUES(state)`,
      [id, JSON.stringify(c)],
      conn,
    );
  }

  admit(id: string, spec: AdmitSpec): Promise<AdmitVerdict> {
    return this.db.run('checking a client key', () =>
      this.db.transaction('READ COMMITTED', async (conn) => {
        const rec = await this.lockKey(id, conn);
        if (!rec || !rec.enabled || (rec.expiresAt !== undefined && rec.expiresAt <= spec.now)) return { ok: false, reason: 'invalid' } as const;
        const c = await this.counters(id, conn);
        if (c.ce <= spec.now) c.conc = 0;
        const verdict = applyAdmission(c, spec);
        if (verdict.ok) {
          c.ce = spec.now + CONCURRENCY_TTL_MS;
          await this.saveCounters(id, c, conn);
        }
        return verdict;
      }),
    );
  }

  release(id: string): Promise<void> {
    return this.db.run('releasing a client key slot', () =>
      this.db.transaction('READ COMMITTED', async (conn) => {
        if (!(await this.lockKey(id, conn))) return;
        const c = await this.counters(id, conn);
        if (c.conc > 0) {
          c.conc--;
          await this.saveCounters(id, c, conn);
        }
      }),
    );
  }

  record(id: string, d: UsageDelta): Promise<void> {
    return this.db.run('recording client key usage', () =>
      this.db.transaction('READ COMMITTED', async (conn) => {
        if (!(await this.lockKey(id, conn))) return;
        const c = await this.counters(id, conn);
        if (c.day !== d.day) {
          c.day = d.day;
          c.dayN = 0;
          c.tokens = 0;
        }
        c.tokens += d.tokensIn + d.tokensOut;
        await this.saveCounters(id, c, conn);
        await this.db.exec(
          `INSERT INTO ${this.tables.keyUsage} (key_id, day, model, requests, errors, tokens_in, tokens_out) VALUES (?, ?, ?, 1, ?, ?, ?) ` +
            `ON DUPLICATE KEY UPDATE requests = requests + 1, errors = errors + VALUES(errors), tokens_in = tokens_in + VALUES(tokens_in), tokens_out = tokens_out + VALUES(tokens_out)`,
          [id, d.day, d.model, d.errors, d.tokensIn, d.tokensOut],
          conn,
        );
      }),
    );
  }

  usage(id: string): Promise<UsageRow[]> {
    return this.db.run('reading client key usage', async () => {
      const rows = await this.db.rows(
        `SELECT day, model, requests, errors, tokens_in, tokens_out FROM ${this.tables.keyUsage} WHERE key_id = ? ORDER BY day, model`,
        [id],
      );
      return rows.map((r) => ({
        day: String(r.day),
        model: String(r.model),
        requests: Number(r.requests),
        errors: Number(r.errors),
        tokensIn: Number(r.tokens_in),
        tokensOut: Number(r.tokens_out),
      }));
    });
  }
}
