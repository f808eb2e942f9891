// Client API keys: created, changed and deleted through the admin API, written through to the store
// before the change is acknowledged, and served from memory on the request path. Other instances'
// changes arrive by polling the store; disabling a key also takes effect at once everywhere,
// because every counted request's admission re-reads the key's state in the shared store.
import type { Logger } from 'pino';
import type { ModelRegistry } from '../config/index.js';
import {
  MemoryClientKeyStore,
  type AdmitSpec,
  type AdmitVerdict,
  type ClientKeyRecord,
  type ClientKeyStore,
  type KeyLimits,
  type UsageDelta,
  type UsageRow,
} from '../store/index.js';
import type { CreateKeyInput, KeyLimitsInput, PatchKeyInput } from './key-input.js';
import { KEY_SECRET_RE, hashKeySecret, maskKeySecret, newKeyId, newKeySecret } from './key-secret.js';
import { utcWindows } from './utc-windows.js';

export interface ClientKeyServiceOptions {
  store: ClientKeyStore;
  logger: Logger;
  models: () => ModelRegistry;
  /** How often to pick up other instances' changes (ms); 0 = never. */
  pollMs: number;
  now?: () => number;
}

function limitsFrom(input: KeyLimitsInput | undefined, base: KeyLimits = {}): KeyLimits {
  const out: KeyLimits = { ...base };
  if (!input) return out;
  for (const k of Object.keys(input) as Array<keyof KeyLimitsInput>) {
    const v = input[k];
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

export class ClientKeyService {
  private byId = new Map<string, ClientKeyRecord>();
  private byHash = new Map<string, ClientKeyRecord>();
  /** Secrets accepted once → their record: repeat requests skip the SHA-256. Rebuilt on every change. */
  private accepted = new Map<string, ClientKeyRecord>();
  private poller: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  /** A reload forced by an unknown key, waiting for its turn. */
  private forced: Promise<void> | undefined;
  /** When the last reload started (epoch ms). */
  private lastLoadStart = 0;
  private readonly now: () => number;
  /** The file store's synchronous admission (undefined on shared stores: they answer asynchronously). */
  private readonly memory: MemoryClientKeyStore | undefined;

  private constructor(private readonly opts: ClientKeyServiceOptions) {
    this.now = opts.now ?? Date.now;
    this.memory = opts.store instanceof MemoryClientKeyStore ? opts.store : undefined;
  }

  static async create(opts: ClientKeyServiceOptions): Promise<ClientKeyService> {
    const svc = new ClientKeyService(opts);
    await svc.refresh();
    if (opts.pollMs > 0) {
      svc.poller = setInterval(() => {
        svc.refresh().catch((err: unknown) => opts.logger.warn({ err }, 'reloading client keys failed'));
      }, opts.pollMs);
      svc.poller.unref();
    }
    return svc;
  }

  /** Client keys known (0 = the feature is unused: only app.api_keys, if any, guard /v1). */
  get size(): number {
    return this.byId.size;
  }

  /** True when admissions are answered synchronously (file store). */
  get synchronous(): boolean {
    return this.memory !== undefined;
  }

  list(): ClientKeyRecord[] {
    return [...this.byId.values()].sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id: string): ClientKeyRecord | undefined {
    return this.byId.get(id);
  }

  /** Reloads every record from the store (other instances' changes). */
  refresh(): Promise<void> {
    if (!this.refreshing) {
      this.lastLoadStart = this.now();
      this.refreshing = this.opts.store
        .loadAll()
        .then((recs) => this.replaceAll(recs))
        .finally(() => {
          this.refreshing = undefined;
        });
    }
    return this.refreshing;
  }

  /**
   * Resolves once a reload that started at or after `t` has finished: it has seen every key
   * created before `t`. Reloads forced this way start at most every 200 ms, whatever the number of
   * unknown keys presented, so they cannot flood the store.
   */
  private refreshedSince(t: number): Promise<void> {
    if (this.lastLoadStart >= t) return this.refreshing ?? Promise.resolve();
    this.forced ??= (async () => {
      await this.refreshing?.catch(() => undefined);
      const wait = this.lastLoadStart + 200 - this.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      this.forced = undefined;
      await this.refresh();
    })();
    return this.forced;
  }

  /**
   * For a well-formed secret this instance does not know (made on another instance a moment
   * ago): waits for a reload that started after the request arrived, then decides.
   */
  async lookupFresh(secret: string): Promise<ClientKeyRecord | undefined> {
    if (!KEY_SECRET_RE.test(secret)) return undefined;
    await this.refreshedSince(this.now()).catch(() => undefined);
    return this.lookup(secret);
  }

  private replaceAll(recs: ClientKeyRecord[]): void {
    this.byId = new Map(recs.map((r) => [r.id, r]));
    this.byHash = new Map(recs.map((r) => [r.hash, r]));
    this.accepted = new Map();
  }

  private upsertLocal(rec: ClientKeyRecord): void {
    const old = this.byId.get(rec.id);
    if (old) this.byHash.delete(old.hash);
    this.byId.set(rec.id, rec);
    this.byHash.set(rec.hash, rec);
    this.accepted = new Map();
  }

  /** The record of a presented secret (whatever its state), from memory. */
  lookup(secret: string): ClientKeyRecord | undefined {
    const known = this.accepted.get(secret);
    if (known) return known;
    if (this.byHash.size === 0) return undefined;
    const rec = this.byHash.get(hashKeySecret(secret));
    // Bounded: only real keys get in, at most one entry each (the map is rebuilt on any change).
    if (rec) this.accepted.set(secret, rec);
    return rec;
  }

  /** Why a key may not be used right now (undefined = usable). */
  refusal(rec: ClientKeyRecord, now = this.now()): string | undefined {
    if (!rec.enabled) return 'disabled';
    if (rec.expiresAt !== undefined && rec.expiresAt <= now) return 'expired';
    return undefined;
  }

  /** Whether the key may call `model` (an id or alias, compared by the model it resolves to). */
  allowsModel(rec: ClientKeyRecord, model: string): boolean {
    if (rec.models.length === 0) return true;
    if (rec.models.includes(model)) return true;
    const registry = this.opts.models();
    const target = registry.resolve(model)?.id;
    if (target === undefined) return false;
    return rec.models.some((m) => m === target || registry.resolve(m)?.id === target);
  }

  // ---- admission (request path) -----------------------------------------------------------------

  admissionSpec(rec: ClientKeyRecord, now = this.now()): AdmitSpec {
    return { limits: rec.limits, now, ...utcWindows(now) };
  }

  /** Checks and counts one request: synchronous on the file store, a store round trip otherwise. */
  admit(rec: ClientKeyRecord, spec: AdmitSpec): AdmitVerdict | Promise<AdmitVerdict> {
    if (this.memory) return this.memory.admitNow(rec.id, spec);
    return this.opts.store.admit(rec.id, spec);
  }

  release(rec: ClientKeyRecord): void {
    if (this.memory) this.memory.releaseNow(rec.id);
    else this.opts.store.release(rec.id).catch((err: unknown) => this.opts.logger.warn({ err, key: rec.id }, 'releasing a client key slot failed'));
  }

  record(id: string, delta: UsageDelta): void {
    if (this.memory) this.memory.recordNow(id, delta);
    else this.opts.store.record(id, delta).catch((err: unknown) => this.opts.logger.warn({ err, key: id }, 'recording client key usage failed'));
  }

  usage(id: string): Promise<UsageRow[]> {
    return this.opts.store.usage(id);
  }

  // ---- admin ------------------------------------------------------------------------------------

  async create(input: CreateKeyInput): Promise<{ record: ClientKeyRecord; secret: string }> {
    const secret = newKeySecret();
    const now = this.now();
    const record: ClientKeyRecord = {
      id: newKeyId(),
      name: input.name,
      note: input.note ?? '',
      hash: hashKeySecret(secret),
      masked: maskKeySecret(secret),
      models: [...new Set(input.models ?? [])],
      limits: limitsFrom(input.limits),
      enabled: input.enabled ?? true,
      ...(input.expires_at !== undefined && input.expires_at !== null ? { expiresAt: input.expires_at } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.opts.store.put(record);
    this.upsertLocal(record);
    return { record, secret };
  }

  async update(id: string, patch: PatchKeyInput): Promise<ClientKeyRecord | undefined> {
    const cur = this.byId.get(id);
    if (!cur) return undefined;
    const next: ClientKeyRecord = { ...cur, limits: limitsFrom(patch.limits, cur.limits), updatedAt: Math.max(this.now(), cur.updatedAt + 1) };
    if (patch.name !== undefined) next.name = patch.name;
    if (patch.note !== undefined) next.note = patch.note;
    if (patch.models !== undefined) next.models = [...new Set(patch.models)];
    if (patch.enabled !== undefined) next.enabled = patch.enabled;
    if (patch.expires_at === null) delete next.expiresAt;
    else if (patch.expires_at !== undefined) next.expiresAt = patch.expires_at;
    await this.opts.store.put(next);
    this.upsertLocal(next);
    return next;
  }

  async remove(id: string): Promise<boolean> {
    const cur = this.byId.get(id);
    if (!cur) return false;
    await this.opts.store.remove(id);
    this.byId.delete(id);
    this.byHash.delete(cur.hash);
    this.accepted = new Map();
    return true;
  }

  close(): void {
    if (this.poller) clearInterval(this.poller);
    this.poller = undefined;
  }
}
