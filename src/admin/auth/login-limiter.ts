// Login throttling, per client address AND per user name. An attempt is reserved before the
// password is hashed (scrypt takes tens of ms) and settled after, so a burst of parallel attempts
// is counted as it arrives, not after the hashing: without that, 200 wrong logins sent at once all
// passed the check before the first failure was recorded.
//
// - A key (address or user) with `maxFailures` failed logins, counting those still in flight, takes
//   no more attempts: after the failures are settled it is locked for BASE_LOCK_MS, doubling with
//   each further failure up to MAX_LOCK_MS. A right password is refused while locked.
// - At most `maxConcurrent` checks run at once per key; the extra ones are refused at once (no
//   hashing), with Retry-After: 1.
// - The user limit is higher than the address limit: one client (or everyone behind one proxy
//   address) runs into its address lock long before it could lock the user out, while guesses
//   spread over many addresses (or spoofed X-Forwarded-For) still meet the user limit.
// A successful login clears the address's and the user's records; records are forgotten an hour
// after their last failure. In memory (per instance), bounded in size. User names are kept only
// as a hash (people type passwords into that field).
import { createHash } from 'node:crypto';

export interface LoginLimits {
  maxFailuresPerAddress: number;
  maxFailuresPerUser: number;
  maxConcurrentPerAddress: number;
  maxConcurrentPerUser: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  maxFailuresPerAddress: 5,
  maxFailuresPerUser: 20,
  maxConcurrentPerAddress: 2,
  maxConcurrentPerUser: 4,
};

/** Failed logins in a row after which an address is locked out (the default). */
export const MAX_FAILURES = DEFAULT_LOGIN_LIMITS.maxFailuresPerAddress;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_TRACKED = 10_000;

interface KeyRecord {
  failures: number;
  inFlight: number;
  lockedUntil: number;
  lastFailure: number;
}

export type LimitScope = 'address' | 'user';

/** Why an attempt was refused: a lock (after failures) or too many checks at once ('busy'). */
export interface LoginRefusal {
  reason: 'locked' | 'busy';
  scope: LimitScope;
  retryAfterSeconds: number;
}

export interface LoginAttempt {
  /** Wrong password: one failure for the address and the user; the lock it caused, if any. */
  fail(): { lockedForSeconds: number | undefined };
  /** Right password: clears both records. */
  succeed(): void;
  /** The check could not run (store unreachable): nothing is counted. */
  cancel(): void;
}

export type Reservation = { allowed: true; attempt: LoginAttempt } | ({ allowed: false } & LoginRefusal);

class KeyTable {
  private readonly records = new Map<string, KeyRecord>();

  constructor(
    private readonly maxFailures: number,
    private readonly maxConcurrent: number,
    private readonly now: () => number,
  ) {}

  /** Why `key` may not start an attempt now, or undefined. */
  refusal(key: string, scope: LimitScope): LoginRefusal | undefined {
    const rec = this.fresh(key);
    if (!rec) return undefined;
    const now = this.now();
    if (rec.lockedUntil > now) return { reason: 'locked', scope, retryAfterSeconds: Math.max(1, Math.ceil((rec.lockedUntil - now) / 1000)) };
    // Attempts in flight may each be a failure: they count against the limit until settled. Past
    // the limit (a lock that has run out), one attempt at a time: its failure locks again, longer.
    const full = rec.failures >= this.maxFailures ? rec.inFlight > 0 : rec.failures + rec.inFlight >= this.maxFailures;
    if (full || rec.inFlight >= this.maxConcurrent) return { reason: 'busy', scope, retryAfterSeconds: 1 };
    return undefined;
  }

  reserve(key: string): KeyRecord {
    let rec = this.fresh(key);
    if (!rec) {
      this.makeRoom();
      rec = { failures: 0, inFlight: 0, lockedUntil: 0, lastFailure: 0 };
      this.records.set(key, rec);
    }
    rec.inFlight++;
    return rec;
  }

  /** Settles a failure on `rec`; returns the lock it started (ms), if any. */
  fail(key: string, rec: KeyRecord): number | undefined {
    rec.inFlight = Math.max(0, rec.inFlight - 1);
    const now = this.now();
    rec.failures++;
    rec.lastFailure = now;
    // Re-attach a record evicted while the attempt ran (only under a flood of other keys).
    if (!this.records.has(key)) this.records.set(key, rec);
    if (rec.failures < this.maxFailures) return undefined;
    const lockMs = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (rec.failures - this.maxFailures));
    rec.lockedUntil = now + lockMs;
    return lockMs;
  }

  release(rec: KeyRecord): void {
    rec.inFlight = Math.max(0, rec.inFlight - 1);
  }

  clear(key: string, rec: KeyRecord): void {
    rec.inFlight = Math.max(0, rec.inFlight - 1);
    rec.failures = 0;
    rec.lockedUntil = 0;
    // Other attempts of the same key may still be in flight: keep their count.
    if (rec.inFlight === 0) this.records.delete(key);
  }

  private fresh(key: string): KeyRecord | undefined {
    const rec = this.records.get(key);
    if (rec && rec.inFlight === 0 && rec.lockedUntil <= this.now() && this.now() - rec.lastFailure > FORGET_AFTER_MS) {
      this.records.delete(key);
      return undefined;
    }
    return rec;
  }

  /** Drops the oldest record that holds no lock and no attempt (else the oldest) when full. */
  private makeRoom(): void {
    if (this.records.size < MAX_TRACKED) return;
    const now = this.now();
    let victim: string | undefined;
    for (const [key, rec] of this.records) {
      victim ??= key;
      if (rec.inFlight === 0 && rec.lockedUntil <= now) {
        victim = key;
        break;
      }
    }
    if (victim !== undefined) this.records.delete(victim);
  }
}

/** The key a user name is tracked under: a hash, so the typed text is not kept. */
function userKey(user: string): string {
  return createHash('sha256').update(user, 'utf8').digest('base64url');
}

export class LoginLimiter {
  private readonly addresses: KeyTable;
  private readonly users: KeyTable;

  constructor(
    private readonly now: () => number = Date.now,
    limits: Partial<LoginLimits> = {},
  ) {
    const l = { ...DEFAULT_LOGIN_LIMITS, ...limits };
    this.addresses = new KeyTable(l.maxFailuresPerAddress, l.maxConcurrentPerAddress, now);
    this.users = new KeyTable(l.maxFailuresPerUser, l.maxConcurrentPerUser, now);
  }

  /**
   * Reserves one login attempt for `address` and `user` before the password is checked, or says
   * why not. An allowed attempt must be settled exactly once (fail, succeed or cancel).
   */
  reserve(address: string, user: string): Reservation {
    const uKey = userKey(user);
    const refusal = this.addresses.refusal(address, 'address') ?? this.users.refusal(uKey, 'user');
    if (refusal) return { allowed: false, ...refusal };
    const a = this.addresses.reserve(address);
    const u = this.users.reserve(uKey);
    let settled = false;
    const once = (): boolean => {
      if (settled) return false;
      settled = true;
      return true;
    };
    return {
      allowed: true,
      attempt: {
        fail: () => {
          if (!once()) return { lockedForSeconds: undefined };
          const locks = [this.addresses.fail(address, a), this.users.fail(uKey, u)].filter((x): x is number => x !== undefined);
          return { lockedForSeconds: locks.length > 0 ? Math.ceil(Math.max(...locks) / 1000) : undefined };
        },
        succeed: () => {
          if (!once()) return;
          this.addresses.clear(address, a);
          this.users.clear(uKey, u);
        },
        cancel: () => {
          if (!once()) return;
          this.addresses.release(a);
          this.users.release(u);
        },
      },
    };
  }
}
