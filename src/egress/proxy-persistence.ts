// The stored proxy list (one document in store.kv, shared by instances): loaded at start, polled
// for other instances' changes, and written behind. A change is applied to memory at once and
// queued; a write reads the freshest document under a store lock, re-applies the queue to it and
// writes it back, so concurrent instances never lose each other's edits. `changed` is called
// whenever the document in memory is replaced or edited (the service then reconciles).
import type { Logger } from 'pino';
import type { Store } from '../store/index.js';
import { PROXY_DOC_KEY, emptyProxyDoc, parseProxyDoc, type ProxyDoc } from './proxy-doc.js';

export type ProxyDocEdit = (doc: ProxyDoc) => void;

const LOCK = 'egress-proxies';

export class ProxyPersistence {
  doc: ProxyDoc = emptyProxyDoc();
  private lastDocText: string | undefined;
  private readonly ops: ProxyDocEdit[] = [];
  private flushing: Promise<boolean> | undefined;

  constructor(
    private readonly store: Pick<Store, 'kv' | 'locks'>,
    private readonly instanceId: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    private readonly changed: () => void,
  ) {}

  get pending(): number {
    return this.ops.length;
  }

  /** Reads the stored document (an unreadable store leaves the configured proxies only). */
  async load(): Promise<void> {
    try {
      const text = await this.store.kv.get(PROXY_DOC_KEY);
      this.doc = parseProxyDoc(text);
      this.lastDocText = text;
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'could not read the stored proxy list: using the configured proxies only for now');
    }
    this.changed();
  }

  /** Picks up other instances' changes (shared stores). */
  async poll(): Promise<void> {
    try {
      const text = await this.store.kv.get(PROXY_DOC_KEY);
      if (text === this.lastDocText) return;
      const doc = parseProxyDoc(text);
      this.lastDocText = text;
      for (const op of this.ops) op(doc); // changes of ours not written yet stay applied
      this.doc = doc;
      this.changed();
    } catch {
      // The store is down: keep serving from memory; the next poll tries again.
    }
  }

  /** Applies changes to memory now; they are written behind (and re-applied on a fresher document). */
  applyNow(ops: readonly ProxyDocEdit[]): void {
    for (const op of ops) {
      op(this.doc);
      this.ops.push(op);
    }
    this.changed();
  }

  async mutate(...ops: ProxyDocEdit[]): Promise<void> {
    this.applyNow(ops);
    await this.flush();
  }

  /** Writes pending changes: read the stored document, apply them, write it back (under a store lock). */
  flush(): Promise<boolean> {
    this.flushing ??= this.doFlush().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  /**
   * Resolves once every change made so far is written to the store (admin writes await this before
   * answering); rejects when the write failed (the changes stay queued and are retried).
   */
  async flushNow(): Promise<void> {
    // A running flush also takes the changes queued while it runs (its loop drains `ops`).
    if (!(await this.flush()) || this.ops.length > 0) throw new Error('could not write the proxy list to the store');
  }

  private async doFlush(): Promise<boolean> {
    while (this.ops.length > 0) {
      const batch = this.ops.splice(0);
      const { kv, locks } = this.store;
      let locked = false;
      try {
        for (let i = 0; i < 40 && !locked; i++) {
          locked = await locks.tryLock(LOCK, this.instanceId, 5_000);
          if (!locked) await new Promise((r) => setTimeout(r, 50));
        }
        const doc = parseProxyDoc(await kv.get(PROXY_DOC_KEY));
        for (const op of batch) op(doc);
        doc.updatedAt = Math.max(this.now(), doc.updatedAt + 1);
        const text = JSON.stringify(doc);
        await kv.set(PROXY_DOC_KEY, text);
        this.lastDocText = text;
        for (const op of this.ops) op(doc);
        this.doc = doc;
        this.changed();
      } catch (err) {
        this.ops.unshift(...batch);
        this.logger.error({ err: err instanceof Error ? err.message : String(err), pending: this.ops.length }, 'could not write the proxy list: kept in memory, will retry');
        return false;
      } finally {
        if (locked) await locks.unlock(LOCK, this.instanceId).catch(() => undefined);
      }
    }
    return true;
  }
}
