// `x-statsig-id` values (docs/grok-protocol.md, "x-statsig-id"). Three ways to get one:
//   local   the text the web app sends when its Statsig SDK is not ready (`x1:TypeError: ...`),
//           base64; made here, no network (the default: nothing third-party is ever called).
//   manual  one value an operator copied from a browser, sent unchanged.
//   signer  asked from a signer service the operator configured (statsig-signer.ts), per method
//           and path, with the page's `grok-site-verification` meta.
// Values are cached per method + path for an hour; a 403 invalidates the key so the retry gets a
// fresh one. The header is only sent on the REST calls that need it (quota, media, settings POSTs),
// never on WebSockets, uploads, the session lookup or downloads.

const FRAGMENT_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const FRAGMENT_LENGTH = 10;

export const STATSIG_MODES = ['local', 'manual', 'signer'] as const;
export type StatsigMode = (typeof STATSIG_MODES)[number];

/** A fresh local value: base64 of the SDK-not-ready error text (random property name). */
export function generateStatsigId(): string {
  let fragment = '';
  for (let i = 0; i < FRAGMENT_LENGTH; i++) {
    fragment += FRAGMENT_ALPHABET.charAt(Math.floor(Math.random() * FRAGMENT_ALPHABET.length));
  }
  return Buffer.from(`x1:TypeError: Cannot read properties of undefined (reading '${fragment}')`, 'latin1').toString(
    'base64',
  );
}

/** Bytes of a standard-alphabet base64 value (padding optional); undefined when it is not base64. */
export function decodeStatsig(value: string): Buffer | undefined {
  const v = value.trim();
  if (v === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v)) return undefined;
  if (v.replace(/=+$/, '').length % 4 === 1) return undefined;
  return Buffer.from(v, 'base64');
}

/** What is wrong with a manual value, or undefined when it decodes to the 70 bytes a browser's does. */
export function statsigProblem(value: string): string | undefined {
  const bytes = decodeStatsig(value);
  if (bytes === undefined) return 'is not base64';
  if (bytes.length !== 70) return `decodes to ${bytes.length} bytes (a browser's value decodes to 70)`;
  return undefined;
}

export interface StatsigSettings {
  mode: StatsigMode;
  /** The value of `manual` mode. */
  manualValue: string;
  /** The signer of `signer` mode ("" = not configured: signing fails, nothing is called). */
  signerUrl: string;
}

/** Asks the configured signer for a value (statsig-signer.ts); the caller supplies the page meta. */
export type StatsigSigner = (method: string, path: string) => Promise<string>;

interface Entry {
  value: string;
  expiresAt: number;
}

const TTL_MS = 60 * 60 * 1000;
const MAX_ENTRIES = 4096;

/** The values of the current mode, cached per method + path; settings are read live. */
export class StatsigProvider {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<string>>();
  private fingerprint = '';

  constructor(
    private readonly settings: () => StatsigSettings,
    private readonly signer?: StatsigSigner | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get mode(): StatsigMode {
    return this.settings().mode;
  }

  /** True when a 403 may be cured by another value (a fixed manual value cannot change). */
  get renewable(): boolean {
    return this.settings().mode !== 'manual';
  }

  /** The value for a call of `method` on `path` (query ignored). */
  async value(method: string, path: string): Promise<string> {
    const s = this.settings();
    this.resetOnChange(s);
    if (s.mode === 'manual') return s.manualValue.trim();
    const key = keyOf(method, path);
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const made = this.make(s, method, path).then(
      (value) => {
        this.inflight.delete(key);
        this.store(key, value);
        return value;
      },
      (err: unknown) => {
        this.inflight.delete(key);
        // A signer that fails now may have answered an hour ago: a stale value beats none.
        if (hit) return hit.value;
        throw err;
      },
    );
    this.inflight.set(key, made);
    return made;
  }

  /** Drops the cached value of `method` + `path` (after a 403 or an anti-bot rejection). */
  invalidate(method: string, path: string): void {
    this.cache.delete(keyOf(method, path));
  }

  private async make(s: StatsigSettings, method: string, path: string): Promise<string> {
    if (s.mode === 'local') return generateStatsigId();
    if (!this.signer || s.signerUrl === '') throw new Error('grok.statsig_mode = "signer" needs grok.statsig_signer_url');
    return this.signer(method.toUpperCase(), stripQuery(path));
  }

  private store(key: string, value: string): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const now = this.now();
      for (const [k, e] of this.cache) if (e.expiresAt <= now) this.cache.delete(k);
      if (this.cache.size >= MAX_ENTRIES) {
        const first = this.cache.keys().next().value;
        if (first !== undefined) this.cache.delete(first);
      }
    }
    this.cache.set(key, { value, expiresAt: this.now() + TTL_MS });
  }

  /** A changed mode, signer or manual value makes every cached value wrong. */
  private resetOnChange(s: StatsigSettings): void {
    const fp = `${s.mode}\n${s.signerUrl}\n${s.manualValue}`;
    if (fp === this.fingerprint) return;
    this.fingerprint = fp;
    this.cache.clear();
  }
}

function stripQuery(path: string): string {
  const q = path.indexOf('?');
  return q === -1 ? path : path.slice(0, q);
}

function keyOf(method: string, path: string): string {
  return `${method.toUpperCase()} ${stripQuery(path)}`;
}

/** A provider of fresh local values (tests, and callers built without configuration). */
export function localStatsig(): StatsigProvider {
  return new StatsigProvider(() => ({ mode: 'local', manualValue: '', signerUrl: '' }));
}
