// The connection pool with the store's conventions: schema created on first use, health
// tracking, transactions retried on deadlock, and per-statement timeouts.
import { createPool, type Pool, type PoolConnection, type ResultSetHeader, type RowDataPacket } from 'mysql2/promise';
import type { Logger } from 'pino';
import { StoreClosedError } from '../store-error.js';
import type { StoreHealth } from '../store-health.js';
import { schemaStatements, type MysqlTables } from './mysql-schema.js';

export type SqlValue = string | number | boolean | null | SqlValue[];

export interface MysqlDbOptions {
  url: string;
  tables: MysqlTables;
  health: StoreHealth;
  logger: Logger;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
}

/** Deadlock and lock wait timeout: safe to retry the whole transaction. */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);

export class MysqlDb {
  readonly pool: Pool;
  private schema: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: MysqlDbOptions) {
    this.pool = createPool({
      uri: opts.url,
      connectionLimit: 10,
      maxIdle: 10,
      idleTimeout: 60_000,
      waitForConnections: true,
      queueLimit: 0,
      connectTimeout: opts.connectTimeoutMs,
      enableKeepAlive: true,
      keepAliveInitialDelay: 10_000,
      supportBigNumbers: true,
      bigNumberStrings: false,
      charset: 'utf8mb4',
      // affectedRows of an UPDATE = rows matched (the in-flight and lock statements rely on it).
      flags: ['FOUND_ROWS'],
    });
  }

  /** Runs `op` once the schema exists, recording the outcome in the store's health. */
  async run<T>(context: string, op: () => Promise<T>): Promise<T> {
    if (this.closed) throw new StoreClosedError('mysql');
    return this.opts.health.track(context, async () => {
      await this.ensureSchema();
      return op();
    });
  }

  async rows(sql: string, values: SqlValue[] = [], conn?: PoolConnection, timeout?: number): Promise<RowDataPacket[]> {
    const [rows] = await (conn ?? this.pool).query<RowDataPacket[]>({ sql, timeout: timeout ?? this.opts.commandTimeoutMs }, values);
    return rows;
  }

  async exec(sql: string, values: SqlValue[] = [], conn?: PoolConnection): Promise<ResultSetHeader> {
    const [res] = await (conn ?? this.pool).query<ResultSetHeader>({ sql, timeout: this.opts.commandTimeoutMs }, values);
    return res;
  }

  /** Runs `fn` in a transaction (isolation level as given), retrying on deadlock up to 3 times. */
  async transaction<T>(isolation: 'READ COMMITTED' | 'REPEATABLE READ', fn: (conn: PoolConnection) => Promise<T>, consistentSnapshot = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const conn = await this.pool.getConnection();
      let broken = false;
      try {
        await conn.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
        await conn.query(consistentSnapshot ? 'START TRANSACTION WITH CONSISTENT SNAPSHOT' : 'START TRANSACTION');
        const out = await fn(conn);
        await conn.query('COMMIT');
        return out;
      } catch (err) {
        // A fatal error (lost connection, timeout) leaves the connection unusable: drop it.
        broken = (err as { fatal?: unknown }).fatal === true;
        if (!broken) await conn.query('ROLLBACK').catch(() => undefined);
        const code = (err as { code?: unknown }).code;
        if (attempt < 3 && typeof code === 'string' && RETRYABLE.has(code)) continue;
        throw err;
      } finally {
        if (broken) conn.destroy();
        else conn.release();
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private ensureSchema(): Promise<void> {
    this.schema ??= (async () => {
      for (const sql of schemaStatements(this.opts.tables)) await this.exec(sql);
    })().catch((err: unknown) => {
      this.schema = undefined; // try again on the next call
      throw err;
    });
    return this.schema;
  }
}
