// The call log in Redis: one sorted set, score = the call's start time (epoch ms), member = the
// entry's JSON (unique by its id). A sorted set rather than a list so that entries from several
// instances stay in time order and "delete everything before <date>" is one range command.
// Each append trims the set to the newest `cap` in the same transaction.
import type { Redis } from 'ioredis';
import { parseCallLogJson } from '../call-log-record.js';
import type { CallLogRecord, CallLogStore } from '../types.js';
import type { RedisKeys } from './redis-keys.js';

/** Members per ZADD command (keeps single commands small). */
const CHUNK = 1000;

export class RedisCallLogStore implements CallLogStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  append(entries: readonly CallLogRecord[], cap: number): Promise<void> {
    return this.run('appending to the call log', async () => {
      if (entries.length === 0) return;
      const tx = this.client.multi();
      for (let i = 0; i < entries.length; i += CHUNK) {
        const args: Array<string | number> = [];
        for (const e of entries.slice(i, i + CHUNK)) args.push(e.time, JSON.stringify(e));
        tx.zadd(this.keys.callLog, ...args);
      }
      tx.zremrangebyrank(this.keys.callLog, 0, -(Math.max(1, cap) + 1));
      const results = await tx.exec();
      const failed = results?.find(([err]) => err !== null);
      if (failed?.[0]) throw failed[0];
    });
  }

  loadRecent(limit: number): Promise<CallLogRecord[]> {
    return this.run('reading the call log', async () => {
      if (limit <= 0) return [];
      const members = await this.client.zrange(this.keys.callLog, -limit, -1);
      const out: CallLogRecord[] = [];
      for (const m of members) {
        const rec = parseCallLogJson(m);
        if (rec) out.push(rec);
      }
      return out;
    });
  }

  deleteBefore(before?: number): Promise<number> {
    return this.run('deleting from the call log', async () => {
      if (before === undefined) {
        const res = await this.client.multi().zcard(this.keys.callLog).del(this.keys.callLog).exec();
        const n = res?.[0]?.[1];
        return typeof n === 'number' ? n : 0;
      }
      return this.client.zremrangebyscore(this.keys.callLog, '-inf', `(${before}`);
    });
  }
}
