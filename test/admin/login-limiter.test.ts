// The login limiter on its own: attempts reserved before hashing count at once, concurrent checks
// are capped per address and per user, the user lock holds across addresses, and locks grow.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginLimiter, type LoginAttempt, type Reservation } from '../../src/admin/auth/index.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function allowed(r: Reservation): LoginAttempt {
  assert.equal(r.allowed, true, `expected the attempt to be allowed, got ${JSON.stringify(r)}`);
  return (r as Extract<Reservation, { allowed: true }>).attempt;
}

void describe('LoginLimiter', () => {
  void it('counts attempts in flight: parallel reservations stop at the failure limit, before any is settled', () => {
    const c = clock();
    const l = new LoginLimiter(c.now, { maxFailuresPerAddress: 5, maxConcurrentPerAddress: 100, maxConcurrentPerUser: 100 });
    const results = Array.from({ length: 200 }, () => l.reserve('10.0.0.1', 'admin'));
    const granted = results.filter((r) => r.allowed);
    assert.equal(granted.length, 5, 'only as many checks as failures allowed');
    for (const r of results.slice(5)) {
      assert.equal(r.allowed, false);
      if (!r.allowed) assert.deepEqual([r.reason, r.scope, r.retryAfterSeconds], ['busy', 'address', 1]);
    }
    // All five fail: the address is locked, and a right password would be refused now.
    const locks = granted.map((r) => (r.allowed ? r.attempt.fail().lockedForSeconds : undefined));
    assert.equal(locks.at(-1), 30);
    const after = l.reserve('10.0.0.1', 'admin');
    assert.equal(after.allowed, false);
    if (!after.allowed) assert.deepEqual([after.reason, after.scope, after.retryAfterSeconds], ['locked', 'address', 30]);
  });

  void it('caps concurrent checks per address and per user (refused at once, Retry-After 1)', () => {
    const c = clock();
    const l = new LoginLimiter(c.now, { maxConcurrentPerAddress: 2, maxConcurrentPerUser: 3 });
    const a1 = allowed(l.reserve('10.0.0.1', 'admin'));
    allowed(l.reserve('10.0.0.1', 'admin'));
    const third = l.reserve('10.0.0.1', 'admin');
    assert.equal(third.allowed, false);
    if (!third.allowed) assert.deepEqual([third.reason, third.scope, third.retryAfterSeconds], ['busy', 'address', 1]);
    // Another address, same user: one more fits under the user cap, then the user is busy.
    allowed(l.reserve('10.0.0.2', 'admin'));
    const fourth = l.reserve('10.0.0.3', 'admin');
    assert.equal(fourth.allowed, false);
    if (!fourth.allowed) assert.deepEqual([fourth.reason, fourth.scope], ['busy', 'user']);
    // Another user name from a fresh address is not affected.
    allowed(l.reserve('10.0.0.3', 'someone-else'));
    // Settling frees the slot.
    a1.cancel();
    allowed(l.reserve('10.0.0.4', 'admin'));
  });

  void it('locks a user across addresses, and a right password is refused while locked', () => {
    const c = clock();
    const l = new LoginLimiter(c.now, { maxFailuresPerAddress: 5, maxFailuresPerUser: 8 });
    let lastLock: number | undefined;
    for (let i = 0; i < 8; i++) lastLock = allowed(l.reserve(`10.0.1.${i}`, 'admin')).fail().lockedForSeconds;
    assert.equal(lastLock, 30, 'the eighth failure locks the user');
    const fresh = l.reserve('10.9.9.9', 'admin');
    assert.equal(fresh.allowed, false, 'an address never seen before is refused for that user');
    if (!fresh.allowed) assert.deepEqual([fresh.reason, fresh.scope], ['locked', 'user']);
    // Other user names (and so the addresses themselves) are still allowed.
    allowed(l.reserve('10.9.9.9', 'not-admin')).cancel();
    c.advance(30_001);
    allowed(l.reserve('10.9.9.9', 'admin')).succeed();
    allowed(l.reserve('10.9.9.8', 'admin')).cancel();
  });

  void it('after a lock runs out: one attempt at a time, and its failure locks for twice as long', () => {
    const c = clock();
    const l = new LoginLimiter(c.now);
    for (let i = 0; i < 5; i++) allowed(l.reserve('10.0.0.1', 'admin')).fail();
    c.advance(30_001);
    const probe = allowed(l.reserve('10.0.0.1', 'admin'));
    const parallel = l.reserve('10.0.0.1', 'admin');
    assert.equal(parallel.allowed, false, 'a second attempt waits for the first');
    assert.equal(probe.fail().lockedForSeconds, 60);
  });

  void it('a success clears the address and the user; settling twice counts once', () => {
    const c = clock();
    const l = new LoginLimiter(c.now);
    for (let i = 0; i < 4; i++) {
      const a = allowed(l.reserve('10.0.0.1', 'admin'));
      a.fail();
      a.fail(); // ignored
    }
    allowed(l.reserve('10.0.0.1', 'admin')).succeed();
    for (let i = 0; i < 4; i++) assert.equal(allowed(l.reserve('10.0.0.1', 'admin')).fail().lockedForSeconds, undefined);
  });
});
