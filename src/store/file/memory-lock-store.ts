// Named locks with expiry inside one process (file mode: one gateway instance).
import type { LockStore } from '../types.js';

export class MemoryLockStore implements LockStore {
  private readonly locks = new Map<string, { owner: string; expiresAt: number }>();

  constructor(private readonly assertOpen: () => void) {}

  async tryLock(name: string, owner: string, ttlMs: number): Promise<boolean> {
    this.assertOpen();
    const now = Date.now();
    const held = this.locks.get(name);
    if (held && held.owner !== owner && held.expiresAt > now) return false;
    this.locks.set(name, { owner, expiresAt: now + ttlMs });
    return true;
  }

  async unlock(name: string, owner: string): Promise<void> {
    this.assertOpen();
    if (this.locks.get(name)?.owner === owner) this.locks.delete(name);
  }
}
