// Client keys in Redis: records in one hash, each key's counters in its own hash, changed only by
// Lua scripts (atomic on the server), so limits hold across every instance sharing the server and
// a key disabled on one instance is refused by the next admission anywhere.
import type { Redis } from 'ioredis';
import { CONCURRENCY_TTL_MS, type AdmitCounts, type AdmitSpec, type AdmitVerdict, type ClientKeyRecord, type ClientKeyStore, type LimitName, type UsageDelta, type UsageRow } from '../client-key-types.js';
import { LuaScript } from './lua-script.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * KEYS: records, counters. ARGV: id, now, day, month, dayEndsAt, monthEndsAt, rpm, requests_per_day,
 * tokens_per_day, monthly_requests, concurrency (-1 = no limit), concurrency TTL ms.
 * Returns {0} (key invalid), {1, counts...} (admitted) or {2, limit, retryAfterMs, counts...}.
 * Mirrors applyAdmission() in client-key-types.ts.
 */
const admitScript = new LuaScript(`
local rec = redis.call('HGET', KEYS[1], ARGV[1])
if not rec then return {0} end
local ok, d = pcall(cjson.decode, rec)
local now = tonumber(ARGV[2])
if not ok or type(d) ~= 'table' or d.enabled ~= true then return {0} end
if type(d.expiresAt) == 'number' and d.expiresAt <= now then return {0} end
local c = redis.call('HMGET', KEYS[2], 'mn', 'me', 'conc', 'ce', 'day', 'dn', 'tok', 'month', 'monn')
local mn = tonumber(c[1] or '0')
local me = tonumber(c[2] or '0')
local conc = tonumber(c[3] or '0')
local ce = tonumber(c[4] or '0')
local day = c[5] or ''
local dn = tonumber(c[6] or '0')
local tok = tonumber(c[7] or '0')
local month = c[8] or ''
local monn = tonumber(c[9] or '0')
if me <= now then mn = 0; me = 0 end
if ce <= now then conc = 0 end
if day ~= ARGV[3] then day = ARGV[3]; dn = 0; tok = 0 end
if month ~= ARGV[4] then month = ARGV[4]; monn = 0 end
local function counts()
  local end_ = me
  if end_ == 0 then end_ = now + 60000 end
  return mn, end_, dn, tok, monn
end
local function deny(limit, untilMs)
  local wait = untilMs - now
  if wait < 1 then wait = 1 end
  local a, b, e, f, g = counts()
  return {2, limit, wait, a, b, e, f, g}
end
local rpm = tonumber(ARGV[7])
local rpd = tonumber(ARGV[8])
local tpd = tonumber(ARGV[9])
local mr = tonumber(ARGV[10])
local cl = tonumber(ARGV[11])
if rpm >= 0 and mn >= rpm then return deny('rpm', me) end
if rpd >= 0 and dn >= rpd then return deny('requests_per_day', tonumber(ARGV[5])) end
if tpd >= 0 and tok >= tpd then return deny('tokens_per_day', tonumber(ARGV[5])) end
if mr >= 0 and monn >= mr then return deny('monthly_requests', tonumber(ARGV[6])) end
if cl >= 0 and conc >= cl then return deny('concurrency', now + 1000) end
if me == 0 then me = now + 60000 end
mn = mn + 1
dn = dn + 1
monn = monn + 1
conc = conc + 1
redis.call('HSET', KEYS[2], 'mn', mn, 'me', me, 'conc', conc, 'ce', now + tonumber(ARGV[12]), 'day', day, 'dn', dn, 'tok', tok, 'month', month, 'monn', monn)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[6]) - now + 86400000)
local a, b, e, f, g = counts()
return {1, a, b, e, f, g}
`);

/** KEYS: counters. Gives back one concurrency slot (never below zero). */
const releaseScript = new LuaScript(`
local n = tonumber(redis.call('HGET', KEYS[1], 'conc') or '0')
if n > 0 then redis.call('HSET', KEYS[1], 'conc', n - 1) end
return 0
`);

/**
 * KEYS: records, counters, usage. ARGV: id, day, model, errors, tokensIn, tokensOut, ttlMs.
 * Adds the call to the key's usage and its tokens to the day's token counter.
 */
const recordScript = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local day = redis.call('HGET', KEYS[2], 'day')
local tokens = tonumber(ARGV[5]) + tonumber(ARGV[6])
if day == ARGV[2] then
  redis.call('HINCRBY', KEYS[2], 'tok', tokens)
else
  redis.call('HSET', KEYS[2], 'day', ARGV[2], 'dn', 0, 'tok', tokens)
end
local p = ARGV[2] .. '|'
local m = '|' .. ARGV[3]
redis.call('HINCRBY', KEYS[3], p .. 'requests' .. m, 1)
redis.call('HINCRBY', KEYS[3], p .. 'errors' .. m, tonumber(ARGV[4]))
redis.call('HINCRBY', KEYS[3], p .. 'tokensIn' .. m, tonumber(ARGV[5]))
redis.call('HINCRBY', KEYS[3], p .. 'tokensOut' .. m, tonumber(ARGV[6]))
return 1
`);

const limitArg = (v: number | undefined): number => (v === undefined ? -1 : v);

function countsFrom(a: unknown[], at: number): AdmitCounts {
  const n = (i: number): number => Number(a[at + i] ?? 0);
  return { minute: n(0), minuteEndsAt: n(1), day: n(2), tokensToday: n(3), month: n(4) };
}

const METRICS = new Set(['requests', 'errors', 'tokensIn', 'tokensOut']);

export class RedisClientKeyStore implements ClientKeyStore {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
    private readonly run: <T>(context: string, op: () => Promise<T>) => Promise<T>,
  ) {}

  loadAll(): Promise<ClientKeyRecord[]> {
    return this.run('loading client keys', async () => {
      const all = await this.client.hgetall(this.keys.clientKeys);
      return Object.values(all).map((v) => JSON.parse(v) as ClientKeyRecord);
    });
  }

  put(rec: ClientKeyRecord): Promise<void> {
    return this.run('writing a client key', async () => {
      await this.client.hset(this.keys.clientKeys, rec.id, JSON.stringify(rec));
    });
  }

  remove(id: string): Promise<void> {
    return this.run('deleting a client key', async () => {
      await this.client.multi().hdel(this.keys.clientKeys, id).del(this.keys.keyCounters(id), this.keys.keyUsage(id)).exec();
    });
  }

  admit(id: string, spec: AdmitSpec): Promise<AdmitVerdict> {
    return this.run('checking a client key', async () => {
      const l = spec.limits;
      const out = (await admitScript.run(this.client, [this.keys.clientKeys, this.keys.keyCounters(id)], [
        id,
        spec.now,
        spec.day,
        spec.month,
        spec.dayEndsAt,
        spec.monthEndsAt,
        limitArg(l.rpm),
        limitArg(l.requests_per_day),
        limitArg(l.tokens_per_day),
        limitArg(l.monthly_requests),
        limitArg(l.concurrency),
        CONCURRENCY_TTL_MS,
      ])) as unknown[];
      const tag = Number(out[0]);
      if (tag === 0) return { ok: false, reason: 'invalid' };
      if (tag === 1) return { ok: true, counts: countsFrom(out, 1) };
      return { ok: false, reason: 'limit', limit: String(out[1]) as LimitName, retryAfterMs: Number(out[2]), counts: countsFrom(out, 3) };
    });
  }

  release(id: string): Promise<void> {
    return this.run('releasing a client key slot', async () => {
      await releaseScript.run(this.client, [this.keys.keyCounters(id)], []);
    });
  }

  record(id: string, d: UsageDelta): Promise<void> {
    return this.run('recording client key usage', async () => {
      await recordScript.run(this.client, [this.keys.clientKeys, this.keys.keyCounters(id), this.keys.keyUsage(id)], [
        id,
        d.day,
        d.model,
        d.errors,
        d.tokensIn,
        d.tokensOut,
      ]);
    });
  }

  usage(id: string): Promise<UsageRow[]> {
    return this.run('reading client key usage', async () => {
      const all = await this.client.hgetall(this.keys.keyUsage(id));
      const rows = new Map<string, UsageRow>();
      for (const [field, value] of Object.entries(all)) {
        const a = field.indexOf('|');
        const b = field.indexOf('|', a + 1);
        if (a < 0 || b < 0) continue;
        const day = field.slice(0, a);
        const metric = field.slice(a + 1, b);
        const model = field.slice(b + 1);
        if (!METRICS.has(metric)) continue;
        const k = `${day}|${model}`;
        let row = rows.get(k);
        if (!row) {
          row = { day, model, requests: 0, errors: 0, tokensIn: 0, tokensOut: 0 };
          rows.set(k, row);
        }
        row[metric as 'requests'] = Number(value);
      }
      return [...rows.values()].sort((x, y) => (x.day === y.day ? x.model.localeCompare(y.model) : x.day < y.day ? -1 : 1));
    });
  }
}
