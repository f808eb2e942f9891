// Counts work in progress (HTTP requests, SSE streams) so graceful shutdown can wait for it and
// /metrics can report it. enter() returns the matching leave(), safe to call more than once.

export class Inflight {
  private n = 0;
  private readonly waiters = new Set<() => void>();

  get size(): number {
    return this.n;
  }

  enter(): () => void {
    this.n++;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.n--;
      if (this.n === 0) for (const w of [...this.waiters]) w();
    };
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.n === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (idle: boolean): void => {
        clearTimeout(timer);
        this.waiters.delete(onIdle);
        resolve(idle);
      };
      const onIdle = (): void => done(true);
      const timer = setTimeout(() => done(this.n === 0), Math.max(0, timeoutMs));
      this.waiters.add(onIdle);
    });
  }
}
