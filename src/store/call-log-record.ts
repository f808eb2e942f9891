// Reading call-log entries back from storage: a cheap structural check (no schema library: a
// restart may read 10 000+ of them), so one damaged line is skipped instead of failing the load.
import type { CallLogRecord } from './types.js';

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The entry when `value` has the fields every entry must have, else undefined. */
export function asCallLogRecord(value: unknown): CallLogRecord | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string' || !isNum(v.time) || !isNum(v.status) || !isNum(v.latencyMs) || typeof v.endpoint !== 'string') return undefined;
  if (typeof v.requestId !== 'string' || typeof v.method !== 'string') return undefined;
  return v as unknown as CallLogRecord;
}

/** Parses one stored JSON text; undefined when it is not JSON or not an entry. */
export function parseCallLogJson(text: string): CallLogRecord | undefined {
  try {
    return asCallLogRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}
