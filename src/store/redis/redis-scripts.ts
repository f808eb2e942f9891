// The Lua scripts of the Redis store. Each runs atomically on the server, which is what makes the
// change clock, the in-flight cap and the locks hold across gateway instances.
import { LuaScript } from './lua-script.js';

/** Shared prologue: the next change clock = max(server time in ms, last clock + 1). */
const NEXT_CLOCK = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local clock = now
if clock <= last then clock = last + 1 end
local clockText = string.format('%d', clock)
`;

/**
 * KEYS: clock, changed, deleted, account keys...; ARGV: (id, updatedAt, json) per account.
 * Writes each record unless the stored one (or its deletion) is newer. Returns how many were written.
 */
export const upsertAccountsScript = new LuaScript(`${NEXT_CLOCK}
local written = 0
for i = 4, #KEYS do
  local j = (i - 4) * 3
  local id = ARGV[j + 1]
  local updatedAt = tonumber(ARGV[j + 2])
  local accept = true
  local deletedAt = redis.call('ZSCORE', KEYS[3], id)
  if deletedAt and tonumber(deletedAt) >= updatedAt then accept = false end
  if accept then
    local cur = redis.call('GET', KEYS[i])
    if cur then
      local ok, dec = pcall(cjson.decode, cur)
      if ok and type(dec) == 'table' and type(dec.updatedAt) == 'number' and dec.updatedAt > updatedAt then accept = false end
    end
  end
  if accept then
    redis.call('SET', KEYS[i], ARGV[j + 3])
    redis.call('ZADD', KEYS[2], clockText, id)
    if deletedAt then redis.call('ZREM', KEYS[3], id) end
    written = written + 1
  end
end
if written > 0 then redis.call('SET', KEYS[1], clockText) end
return written
`);

/**
 * KEYS: clock, changed, deleted, account keys...; ARGV: retentionMs, ids...
 * Deletes the records, remembers the deletions, forgets deletions older than the retention.
 */
export const deleteAccountsScript = new LuaScript(`${NEXT_CLOCK}
for i = 4, #KEYS do
  local id = ARGV[i - 2]
  redis.call('DEL', KEYS[i])
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZADD', KEYS[3], clockText, id)
end
redis.call('SET', KEYS[1], clockText)
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. string.format('%d', now - tonumber(ARGV[1])))
return #KEYS - 3
`);

/** KEYS: counter; ARGV: max, ttlMs. Increments only below max; each acquire refreshes the TTL. */
export const acquireScript = new LuaScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`);

/** KEYS: counter. Decrements, never below zero (a counter that expired stays gone). */
export const releaseScript = new LuaScript(`
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n <= 1 then
  redis.call('DEL', KEYS[1])
  return 0
end
return redis.call('DECR', KEYS[1])
`);

/** KEYS: lock; ARGV: owner, ttlMs. Takes a free lock, or extends one this owner already holds. */
export const lockScript = new LuaScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if cur then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

/** KEYS: lock; ARGV: owner. Deletes the lock only if this owner holds it. */
export const unlockScript = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS: jobs hash; ARGV: id, json. Replaces the job only if it still exists (a deleted job stays deleted). */
export const updateVideoJobScript = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`);

/** KEYS: jobs hash, callback hash; ARGV: id, from, to. Compare-and-swap of a job's callback state. */
export const swapCallbackScript = new LuaScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`);
