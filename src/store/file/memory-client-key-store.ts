// Client keys of the file store: records and usage kept in kv.json (records written through before
// a change is acknowledged), counters in memory (one instance per data directory, so memory is the
// truth). admitNow() is the synchronous fast path the /v1 key check uses: no promise, no I/O.
import type { KvStore } from '../types.js';
import {
  applyAdmission,
  emptyCounters,
  type AdmitSpec,
  type AdmitVerdict,
  type ClientKeyRecord,
  type ClientKeyStore,
  type CounterState,
  type UsageDelta,
  type UsageRow,
} from '../client-key-types.js';

const RECORDS_DOC = 'client_keys';
const USAGE_DOC = 'client_key_usage';
/** Usage is written behind at most this often (it changes on every call). */
const USAGE_FLUSH_MS = 1000;

export interface MemoryClientKeyStoreOptions {
  kv: KvStore;
  /** Writes pending kv changes to disk now (write-through of admin changes). */
  flush: () => Promise<void>;
}

export class MemoryClientKeyStore implements ClientKeyStore {
  private records = new Map<string, ClientKeyRecord>();
  private readonly counters = new Map<string, CounterState>();
  /** id → `day|model` → row. */
  private usageRows = new Map<string, Map<string, UsageRow>>();
  private loaded = false;
  private usageTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: MemoryClientKeyStoreOptions) {}

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    const recs = await this.opts.kv.get(RECORDS_DOC);
    if (recs) for (const r of JSON.parse(recs) as ClientKeyRecord[]) this.records.set(r.id, r);
    const usage = await this.opts.kv.get(USAGE_DOC);
    if (usage) {
      for (const [id, rows] of Object.entries(JSON.parse(usage) as Record<string, UsageRow[]>)) {
        this.usageRows.set(id, new Map(rows.map((r) => [`${r.day}|${r.model}`, r])));
      }
    }
  }

  async loadAll(): Promise<ClientKeyRecord[]> {
    await this.load();
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async put(rec: ClientKeyRecord): Promise<void> {
    await this.load();
    this.records.set(rec.id, structuredClone(rec));
    await this.saveRecords();
  }

  async remove(id: string): Promise<void> {
    await this.load();
    this.records.delete(id);
    this.counters.delete(id);
    this.usageRows.delete(id);
    await this.saveRecords();
    await this.saveUsage();
  }

  /** The synchronous admission (the file store is the only instance: memory is the truth). */
  admitNow(id: string, spec: AdmitSpec): AdmitVerdict {
    const rec = this.records.get(id);
    if (!rec || !rec.enabled || (rec.expiresAt !== undefined && rec.expiresAt <= spec.now)) return { ok: false, reason: 'invalid' };
    let c = this.counters.get(id);
    if (!c) {
      c = emptyCounters();
      this.counters.set(id, c);
    }
    return applyAdmission(c, spec);
  }

  async admit(id: string, spec: AdmitSpec): Promise<AdmitVerdict> {
    await this.load();
    return this.admitNow(id, spec);
  }

  releaseNow(id: string): void {
    const c = this.counters.get(id);
    if (c && c.conc > 0) c.conc--;
  }

  async release(id: string): Promise<void> {
    this.releaseNow(id);
  }

  async record(id: string, d: UsageDelta): Promise<void> {
    await this.load();
    this.recordNow(id, d);
  }

  /** The synchronous record (no promise per call: this runs when every response ends). */
  recordNow(id: string, d: UsageDelta): void {
    if (!this.records.has(id)) return;
    const c = this.counters.get(id) ?? emptyCounters();
    this.counters.set(id, c);
    if (c.day !== d.day) {
      c.day = d.day;
      c.dayN = 0;
      c.tokens = 0;
    }
    c.tokens += d.tokensIn + d.tokensOut;
    let rows = this.usageRows.get(id);
    if (!rows) {
      rows = new Map();
      this.usageRows.set(id, rows);
    }
    const k = `${d.day}|${d.model}`;
    let row = rows.get(k);
    if (!row) {
      row = { day: d.day, model: d.model, requests: 0, errors: 0, tokensIn: 0, tokensOut: 0 };
      rows.set(k, row);
    }
    row.requests++;
    row.errors += d.errors;
    row.tokensIn += d.tokensIn;
    row.tokensOut += d.tokensOut;
    this.usageTimer ??= setTimeout(() => {
      this.usageTimer = undefined;
      this.saveUsage().catch(() => undefined);
    }, USAGE_FLUSH_MS);
  }

  async usage(id: string): Promise<UsageRow[]> {
    await this.load();
    return [...(this.usageRows.get(id)?.values() ?? [])].map((r) => ({ ...r })).sort((a, b) => (a.day === b.day ? a.model.localeCompare(b.model) : a.day < b.day ? -1 : 1));
  }

  private async saveRecords(): Promise<void> {
    await this.opts.kv.set(RECORDS_DOC, JSON.stringify([...this.records.values()]));
    await this.opts.flush();
  }

  private async saveUsage(): Promise<void> {
    const doc: Record<string, UsageRow[]> = {};
    for (const [id, rows] of this.usageRows) doc[id] = [...rows.values()];
    await this.opts.kv.set(USAGE_DOC, JSON.stringify(doc));
  }

  /** Writes pending usage (the file store's close). */
  async close(): Promise<void> {
    if (this.usageTimer) {
      clearTimeout(this.usageTimer);
      this.usageTimer = undefined;
      if (this.loaded) await this.saveUsage().catch(() => undefined);
    }
  }
}
