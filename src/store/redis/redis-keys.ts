// Every key the Redis store uses, in one place.

export interface RedisKeys {
  /** JSON of one account record. */
  account(id: string): string;
  /** Sorted set: member = account id, score = change clock of its last write. */
  changed: string;
  /** Sorted set: member = deleted account id, score = change clock of the deletion. */
  deleted: string;
  /** Last change clock handed out (epoch ms, strictly increasing per write batch). */
  clock: string;
  /** In-flight counter of one account (expires after its last acquire + TTL). */
  inflight(id: string): string;
  lock(name: string): string;
  /** Hash of the small documents. */
  kv: string;
  /** Sorted set of call-log entries: score = start time (epoch ms), member = the entry's JSON. */
  callLog: string;
  /** One expiring document (a string with a TTL). */
  document(key: string): string;
  /** Hash: client key id → its record's JSON. */
  clientKeys: string;
  /** Hash of one client key's limit counters. */
  keyCounters(id: string): string;
  /** Hash of one client key's usage: field `day|metric|model` → count. */
  keyUsage(id: string): string;
  /** Hash of video jobs: field = job id, value = the record's JSON (without its callback state). */
  videoJobs: string;
  /** Hash of the video jobs' callback states (moved by compare-and-swap only). */
  videoJobCallbacks: string;
  /** Hash of the media index: field = file name, value = the entry's JSON. */
  mediaIndex: string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    account: (id) => `${prefix}:account:${id}`,
    changed: `${prefix}:accounts:changed`,
    deleted: `${prefix}:accounts:deleted`,
    clock: `${prefix}:accounts:clock`,
    inflight: (id) => `${prefix}:inflight:${id}`,
    lock: (name) => `${prefix}:lock:${name}`,
    kv: `${prefix}:kv`,
    callLog: `${prefix}:calllog`,
    document: (key) => `${prefix}:doc:${key}`,
    clientKeys: `${prefix}:keys:records`,
    keyCounters: (id) => `${prefix}:keys:counters:${id}`,
    keyUsage: (id) => `${prefix}:keys:usage:${id}`,
    videoJobs: `${prefix}:videojobs`,
    videoJobCallbacks: `${prefix}:videojobs:callback`,
    mediaIndex: `${prefix}:media`,
  };
}
