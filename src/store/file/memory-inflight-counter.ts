// In-flight counters of a single process (file mode: one gateway instance).
import type { InflightCounter } from '../types.js';

export class MemoryInflightCounter implements InflightCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly assertOpen: () => void) {}

  async tryAcquire(accountId: string, max: number): Promise<boolean> {
    this.assertOpen();
    const n = this.counts.get(accountId) ?? 0;
    if (n >= max) return false;
    this.counts.set(accountId, n + 1);
    return true;
  }

  async release(accountId: string): Promise<void> {
    this.assertOpen();
    const n = this.counts.get(accountId) ?? 0;
    if (n <= 1) this.counts.delete(accountId);
    else this.counts.set(accountId, n - 1);
  }

  async current(accountId: string): Promise<number> {
    this.assertOpen();
    return this.counts.get(accountId) ?? 0;
  }
}
