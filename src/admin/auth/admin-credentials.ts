// The admin password. Precedence, highest first:
//   1. a password changed from the console (POST /api/password), stored hashed in store.kv;
//      it stays in force until admin.password itself is changed to another value (then that new
//      value wins and the console password is dropped: the way to reset a forgotten password);
//   2. admin.password from config.toml / GROK2API_ADMIN_PASSWORD (hashed with scrypt at start,
//      compared in constant time like every other password check);
//   3. otherwise a random password generated at first start, stored hashed in store.kv and printed
//      once in the log (never a fixed default), after start-up succeeded (see announce()).
// The stored document is re-read at each login so a change on one instance applies to all.
import type { Logger } from 'pino';
import type { KvStore, LockStore } from '../../store/index.js';
import { generatePassword, hashPassword, verifyPassword } from './password-hash.js';

export type PasswordSource = 'console' | 'config' | 'generated';

const KV_KEY = 'admin:password';
const INIT_LOCK = 'admin-password-init';

interface StoredPassword {
  hash: string;
  source: 'console' | 'generated';
  changedAt: number;
  /** Console changes: scrypt hash of admin.password at the time ("" = none was configured). */
  configHash?: string;
}

function parseStored(text: string | undefined): StoredPassword | undefined {
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<StoredPassword>;
    if (typeof v.hash === 'string' && (v.source === 'console' || v.source === 'generated')) {
      return { hash: v.hash, source: v.source, changedAt: typeof v.changedAt === 'number' ? v.changedAt : 0, ...(typeof v.configHash === 'string' ? { configHash: v.configHash } : {}) };
    }
  } catch {
    // treated as absent
  }
  return undefined;
}

export interface AdminCredentialsOptions {
  kv: KvStore;
  locks: LockStore;
  logger: Logger;
  /** Live admin settings. */
  config: () => { username: string; password: string };
  instanceId: string;
  now?: () => number;
}

export const MIN_PASSWORD_LENGTH = 10;

export class AdminCredentials {
  /** The configured password value we hashed, and its hash. */
  private configValue: string | undefined;
  private configHash: string | undefined;
  private stored: StoredPassword | undefined;
  /** Whether the stored console password still overrides config (cached per stored doc + config). */
  private overrideCache: { stored: StoredPassword; configValue: string; result: boolean } | undefined;
  private ready = false;
  /** A fixed hash to verify against when there is nothing to compare, so timing stays the same. */
  private dummyHash: string | undefined;
  /**
   * The generated-password message while start-up is not over: printed by `announce()` once the
   * gateway listens, so a start that fails later (port in use…) never shows a password that the
   * next start would not print again. `doc` is the stored document it belongs to.
   */
  private held: { doc: StoredPassword; print: () => void } | undefined;
  private announced = false;

  private constructor(private readonly opts: AdminCredentialsOptions) {}

  static async init(opts: AdminCredentialsOptions): Promise<AdminCredentials> {
    const c = new AdminCredentials(opts);
    c.dummyHash = await hashPassword(generatePassword());
    await c.prepare().catch((err: unknown) => {
      opts.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'admin: cannot read the admin password from the store; admin login waits until it is reachable');
    });
    return c;
  }

  /** Start-up succeeded: prints the generated password now if one is held; later ones print at once. */
  announce(): void {
    this.announced = true;
    const held = this.held;
    this.held = undefined;
    held?.print();
  }

  /**
   * Start-up failed before `announce()`: removes a password generated during this start (it was
   * never shown), so the next start generates and prints a new one instead of locking the admin out.
   */
  async discardUnannounced(): Promise<void> {
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    if (parseStored(await this.opts.kv.get(KV_KEY))?.hash === held.doc.hash) await this.opts.kv.delete(KV_KEY);
    if (this.stored === held.doc) this.stored = undefined;
  }

  /** Where the password in force comes from. */
  async source(): Promise<PasswordSource> {
    await this.refresh();
    return (await this.active())?.source ?? 'generated';
  }

  /** Checks a login. Always runs one scrypt comparison, whatever the user name. */
  async verify(username: string, password: string): Promise<boolean> {
    await this.refresh();
    const active = await this.active();
    const ok = await verifyPassword(password, active?.hash ?? (this.dummyHash as string));
    return ok && active !== undefined && username === this.opts.config().username;
  }

  /** Sets a new password from the console; the caller has verified the current one. */
  async change(next: string): Promise<void> {
    const configValue = this.opts.config().password;
    const doc: StoredPassword = {
      hash: await hashPassword(next),
      source: 'console',
      changedAt: (this.opts.now ?? Date.now)(),
      configHash: configValue === '' ? '' : await hashPassword(configValue),
    };
    await this.opts.kv.set(KV_KEY, JSON.stringify(doc));
    this.stored = doc;
  }

  private async prepare(): Promise<void> {
    await this.hashConfig();
    this.stored = parseStored(await this.opts.kv.get(KV_KEY));
    if (this.opts.config().password === '' && this.stored === undefined) await this.generate();
    this.ready = true;
  }

  private async hashConfig(): Promise<void> {
    const value = this.opts.config().password;
    if (value === this.configValue) return;
    this.configValue = value;
    this.configHash = value === '' ? undefined : await hashPassword(value);
  }

  /** Re-reads the stored document (another instance may have changed it); the cache stands if the store is down. */
  private async refresh(): Promise<void> {
    if (!this.ready) {
      await this.prepare();
      return;
    }
    await this.hashConfig();
    try {
      this.stored = parseStored(await this.opts.kv.get(KV_KEY));
    } catch {
      // keep the cached document
    }
    if (this.stored === undefined && this.configHash === undefined) await this.generate();
  }

  private async active(): Promise<{ hash: string; source: PasswordSource } | undefined> {
    const stored = this.stored;
    const configValue = this.configValue ?? '';
    if (stored?.source === 'console' && (await this.consoleOverrides(stored, configValue))) return { hash: stored.hash, source: 'console' };
    if (this.configHash !== undefined) return { hash: this.configHash, source: 'config' };
    if (stored !== undefined) return { hash: stored.hash, source: stored.source };
    return undefined;
  }

  private async consoleOverrides(stored: StoredPassword, configValue: string): Promise<boolean> {
    if (configValue === '') return true;
    const c = this.overrideCache;
    if (c && c.stored === stored && c.configValue === configValue) return c.result;
    // The config password changed since the console change: the operator is resetting it.
    const result = stored.configHash !== undefined && stored.configHash !== '' && (await verifyPassword(configValue, stored.configHash));
    this.overrideCache = { stored, configValue, result };
    if (!result) this.opts.logger.warn('admin: admin.password was changed since the password was last set in the console; admin.password is in force now');
    return result;
  }

  /** First start without a configured password: one instance generates, stores and prints one. */
  private async generate(): Promise<void> {
    const { kv, locks, logger, instanceId } = this.opts;
    for (let i = 0; i < 50; i++) {
      if (await locks.tryLock(INIT_LOCK, instanceId, 10_000)) {
        try {
          this.stored = parseStored(await kv.get(KV_KEY));
          if (this.stored !== undefined) return;
          const password = generatePassword();
          const doc: StoredPassword = { hash: await hashPassword(password), source: 'generated', changedAt: (this.opts.now ?? Date.now)() };
          await kv.set(KV_KEY, JSON.stringify(doc));
          this.stored = doc;
          const user = this.opts.config().username;
          const print = (): void =>
            logger.warn(
              { adminUser: user },
              `admin console: no admin.password is configured, so one was generated: user "${user}", password "${password}" ` +
                '(shown only this once). Log in at /manage and change it there (POST /api/password), or set admin.password in ' +
                'DATA_DIR/config.toml or GROK2API_ADMIN_PASSWORD.',
            );
          if (this.announced) print();
          else this.held = { doc, print };
          return;
        } finally {
          await locks.unlock(INIT_LOCK, instanceId).catch(() => undefined);
        }
      }
      // Another instance is generating it: wait for its document.
      await new Promise((r) => setTimeout(r, 200));
      this.stored = parseStored(await kv.get(KV_KEY));
      if (this.stored !== undefined) return;
    }
    throw new Error('timed out waiting for another instance to create the admin password');
  }
}
