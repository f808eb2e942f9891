// Login throttling per client IP: after MAX_FAILURES failed logins in a row the IP is locked out,
// for BASE_LOCK_MS, doubling with each further failure up to MAX_LOCK_MS. A successful login
// clears the IP's record; records are forgotten an hour after their last failure. In memory (per
// instance), bounded in size.

export const MAX_FAILURES = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
const FORGET_AFTER_MS = 60 * 60_000;
const MAX_TRACKED = 10_000;

interface IpRecord {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export type LimitCheck = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class LoginLimiter {
  private readonly ips = new Map<string, IpRecord>();

  constructor(private readonly now: () => number = Date.now) {}

  check(ip: string): LimitCheck {
    const rec = this.fresh(ip);
    const now = this.now();
    if (rec && rec.lockedUntil > now) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((rec.lockedUntil - now) / 1000)) };
    return { allowed: true };
  }

  /** Records a failed attempt; returns the lockout it caused, if any. */
  fail(ip: string): LimitCheck {
    const now = this.now();
    let rec = this.fresh(ip);
    if (!rec) {
      if (this.ips.size >= MAX_TRACKED) {
        const oldest = this.ips.keys().next();
        if (!oldest.done) this.ips.delete(oldest.value);
      }
      rec = { failures: 0, lockedUntil: 0, lastFailure: now };
      this.ips.set(ip, rec);
    }
    rec.failures++;
    rec.lastFailure = now;
    if (rec.failures >= MAX_FAILURES) {
      const lockMs = Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (rec.failures - MAX_FAILURES));
      rec.lockedUntil = now + lockMs;
      return { allowed: false, retryAfterSeconds: Math.ceil(lockMs / 1000) };
    }
    return { allowed: true };
  }

  succeed(ip: string): void {
    this.ips.delete(ip);
  }

  private fresh(ip: string): IpRecord | undefined {
    const rec = this.ips.get(ip);
    if (rec && rec.lockedUntil <= this.now() && this.now() - rec.lastFailure > FORGET_AFTER_MS) {
      this.ips.delete(ip);
      return undefined;
    }
    return rec;
  }
}
