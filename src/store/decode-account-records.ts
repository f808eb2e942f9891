// Account records read back as JSON text (the Redis and MySQL drivers store one JSON document per
// account): parse and validate each, skip what is broken instead of failing the whole load, and
// say so in the log (the first few in detail, then one count). The file store reads one JSON
// document of all accounts and reports by id instead (file-store.ts).
import type { AccountRecord } from './records.js';
import { checkAccountRecord } from './validate-account-record.js';

const DETAILED = 5;

/** The one logger method used (a pino Logger fits). */
export interface RecordErrorLog {
  error(obj: Record<string, unknown>, msg: string): void;
}

export function decodeAccountRecords(jsons: Iterable<string>, store: 'redis' | 'mysql', logger: RecordErrorLog): AccountRecord[] {
  const out: AccountRecord[] = [];
  let bad = 0;
  for (const json of jsons) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      bad++;
      continue;
    }
    const check = checkAccountRecord(parsed);
    if (check.ok) out.push(check.record);
    else {
      bad++;
      if (bad <= DETAILED) logger.error({ store, err: check.error }, 'skipping an invalid account record');
    }
  }
  if (bad > 0) logger.error({ store, skipped: bad }, 'invalid account records were skipped');
  return out;
}
