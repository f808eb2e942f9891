// healthy()/lastError() for a driver: every operation reports its outcome here. State changes are
// logged once (down, then back), not on every failed call, so an outage does not flood the log.
import type { Logger } from 'pino';
import { StoreError } from './store-error.js';
import { scrubSecrets } from './redact-url.js';
import type { StorageMode } from './types.js';

export class StoreHealth {
  private isHealthy: boolean;
  private last: string | undefined;

  constructor(
    private readonly backend: StorageMode,
    private readonly logger: Logger,
    private readonly secrets: readonly string[] = [],
    initiallyHealthy = false,
  ) {
    this.isHealthy = initiallyHealthy;
  }

  healthy(): boolean {
    return this.isHealthy;
  }

  lastError(): string | undefined {
    return this.last;
  }

  ok(): void {
    if (!this.isHealthy && this.last !== undefined) this.logger.info({ store: this.backend }, 'storage is reachable again');
    this.isHealthy = true;
  }

  /** Records a failure; returns a StoreError with a credential-free message. */
  fail(err: unknown, context?: string): StoreError {
    const raw = describe(err);
    const message = scrubSecrets(context ? `${context}: ${raw}` : raw, this.secrets);
    if (this.isHealthy || this.last === undefined) {
      this.logger.error({ store: this.backend, err: message }, 'storage operation failed');
    } else {
      this.logger.debug({ store: this.backend, err: message }, 'storage still failing');
    }
    this.isHealthy = false;
    this.last = message;
    return err instanceof StoreError && err.message === message ? err : new StoreError(this.backend, message);
  }

  /** Runs an operation against the backend, recording its outcome; rejects with a StoreError. */
  async track<T>(context: string, op: () => Promise<T>): Promise<T> {
    try {
      const out = await op();
      this.ok();
      return out;
    } catch (err) {
      throw this.fail(err, context);
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const base = err.message || err.name;
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) has an empty message.
    if (!err.message && err instanceof AggregateError && err.errors.length > 0) return describe(err.errors[0]);
    return typeof code === 'string' && !base.includes(code) ? `${code}: ${base}` : base;
  }
  return String(err);
}
