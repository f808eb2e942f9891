// Table names and DDL of the MySQL store (MySQL 8 / MariaDB 10.5+). Tables are created on first
// use when missing; nothing is ever altered or dropped.

export interface MysqlTables {
  accounts: string;
  deletions: string;
  inflight: string;
  locks: string;
  kv: string;
  /** One row per clock; `accounts` is the change clock of account writes. */
  clock: string;
  /** One row per finished API call (the call log). */
  callLogs: string;
  /** Expiring documents (stored Responses objects, ...). */
  documents: string;
  /** Client API keys (records), their limit counters and their usage by day and model. */
  clientKeys: string;
  keyCounters: string;
  keyUsage: string;
  /** One row per async video job (record JSON + its callback state). */
  videoJobs: string;
  /** One row per generated media file (the shared media index). */
  mediaIndex: string;
}

const PREFIX_RE = /^[A-Za-z0-9_]{1,40}$/;

export function mysqlTables(prefix: string): MysqlTables {
  if (!PREFIX_RE.test(prefix)) {
    throw new Error(`invalid MySQL table prefix ${JSON.stringify(prefix)}: use 1-40 letters, digits or _`);
  }
  return {
    accounts: `\`${prefix}_accounts\``,
    deletions: `\`${prefix}_account_deletions\``,
    inflight: `\`${prefix}_inflight\``,
    locks: `\`${prefix}_locks\``,
    kv: `\`${prefix}_kv\``,
    clock: `\`${prefix}_sync_clock\``,
    callLogs: `\`${prefix}_call_logs\``,
    documents: `\`${prefix}_documents\``,
    clientKeys: `\`${prefix}_client_keys\``,
    keyCounters: `\`${prefix}_key_counters\``,
    keyUsage: `\`${prefix}_key_usage\``,
    videoJobs: `\`${prefix}_video_jobs\``,
    mediaIndex: `\`${prefix}_media_index\``,
  };
}

/** The server's clock in epoch ms (so expiries do not depend on each instance's clock). */
export const NOW_MS = 'CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000 AS SIGNED)';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export function schemaStatements(t: MysqlTables): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS ${t.accounts} (
      id VARCHAR(191) NOT NULL,
      token TEXT NOT NULL,
      data LONGTEXT NOT NULL,
      updated_at BIGINT NOT NULL,
      changed_at BIGINT NOT NULL,
      PRIMARY KEY (id),
      KEY idx_updated_at (updated_at),
      KEY idx_changed_at (changed_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.deletions} (
      id VARCHAR(191) NOT NULL,
      changed_at BIGINT NOT NULL,
      PRIMARY KEY (id),
      KEY idx_changed_at (changed_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.inflight} (
      account_id VARCHAR(191) NOT NULL,
      n INT NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (account_id)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.locks} (
      name VARCHAR(191) NOT NULL,
      owner VARCHAR(512) NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (name)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.kv} (
      k VARCHAR(191) NOT NULL,
      v LONGTEXT NOT NULL,
      PRIMARY KEY (k)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.clock} (
      name VARCHAR(64) NOT NULL,
      value BIGINT NOT NULL,
      PRIMARY KEY (name)
    ) ${TABLE_OPTIONS}`,
    `INSERT IGNORE INTO ${t.clock} (name, value) VALUES ('accounts', 0)`,
    `CREATE TABLE IF NOT EXISTS ${t.callLogs} (
      seq BIGINT NOT NULL AUTO_INCREMENT,
      id VARCHAR(64) NOT NULL,
      started_at BIGINT NOT NULL,
      status SMALLINT NOT NULL,
      model VARCHAR(191) NULL,
      account VARCHAR(64) NULL,
      api_key VARCHAR(64) NULL,
      data MEDIUMTEXT NOT NULL,
      PRIMARY KEY (seq),
      UNIQUE KEY uq_id (id),
      KEY idx_started_at (started_at),
      KEY idx_account (account, started_at),
      KEY idx_model (model, started_at),
      KEY idx_status (status, started_at),
      KEY idx_api_key (api_key, started_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.documents} (
      k VARCHAR(191) NOT NULL,
      v LONGTEXT NOT NULL,
      expires_at BIGINT NOT NULL,
      PRIMARY KEY (k),
      KEY idx_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.clientKeys} (
      id VARCHAR(64) NOT NULL,
      data TEXT NOT NULL,
      updated_at BIGINT NOT NULL,
      PRIMARY KEY (id)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.keyCounters} (
      key_id VARCHAR(64) NOT NULL,
      state TEXT NOT NULL,
      PRIMARY KEY (key_id)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.keyUsage} (
      key_id VARCHAR(64) NOT NULL,
      day CHAR(10) NOT NULL,
      model VARCHAR(256) NOT NULL,
      requests BIGINT NOT NULL,
      errors BIGINT NOT NULL,
      tokens_in BIGINT NOT NULL,
      tokens_out BIGINT NOT NULL,
      PRIMARY KEY (key_id, day, model)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.videoJobs} (
      id VARCHAR(191) NOT NULL,
      created_at BIGINT NOT NULL,
      expires_at BIGINT NULL,
      callback_state VARCHAR(255) NOT NULL,
      data MEDIUMTEXT NOT NULL,
      PRIMARY KEY (id),
      KEY idx_created_at (created_at),
      KEY idx_expires_at (expires_at)
    ) ${TABLE_OPTIONS}`,
    `CREATE TABLE IF NOT EXISTS ${t.mediaIndex} (
      name VARCHAR(191) NOT NULL,
      created_at BIGINT NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (name)
    ) ${TABLE_OPTIONS}`,
  ];
}
