// Which account leaves through which app proxy. The binding itself is stored on the account
// (AccountRecord.proxyId, through ProxyBindings); this keeps the reverse index (proxy → accounts,
// for least-bound choice and rebinding) and the operator's pins (accounts never moved automatically).
import type { ProxyBindings } from './egress-types.js';

export class ProxyBinding {
  private readonly boundTo = new Map<string, string>();
  private readonly byProxy = new Map<string, Set<string>>();
  /** accountId → proxyId: pinned accounts (from the stored document, only proxies that exist). */
  pins = new Map<string, string>();
  lastResync = 0;

  constructor(
    private readonly accounts: ProxyBindings,
    private readonly now: () => number,
  ) {}

  /** The account's bound proxy as its record says (the index follows the record). */
  proxyOf(accountId: string): string | undefined {
    const id = this.accounts.proxyOf(accountId);
    this.index(accountId, id);
    return id;
  }

  hasAccount(accountId: string): boolean {
    return this.accounts.hasAccount(accountId);
  }

  isPinned(accountId: string, proxyId: string): boolean {
    return this.pins.get(accountId) === proxyId;
  }

  boundCount(proxyId: string): number {
    return this.byProxy.get(proxyId)?.size ?? 0;
  }

  accountsOn(proxyId: string): string[] {
    return [...(this.byProxy.get(proxyId) ?? [])];
  }

  pinnedCounts(): Map<string, number> {
    const pinned = new Map<string, number>();
    for (const pid of this.pins.values()) pinned.set(pid, (pinned.get(pid) ?? 0) + 1);
    return pinned;
  }

  /** Binds (undefined: unbinds) on the account record and in the index; false when the account is gone. */
  set(accountId: string, proxyId: string | undefined): boolean {
    if (this.accounts.proxyOf(accountId) !== proxyId && !this.accounts.setProxy(accountId, proxyId)) return false;
    this.index(accountId, proxyId);
    return true;
  }

  /** Rebuilds the index from the accounts (changes made by other instances, removed accounts). */
  resync(): void {
    this.boundTo.clear();
    this.byProxy.clear();
    for (const [accountId, proxyId] of this.accounts.proxyBindings()) this.index(accountId, proxyId);
    this.lastResync = this.now();
  }

  private index(accountId: string, proxyId: string | undefined): void {
    const old = this.boundTo.get(accountId);
    if (old === proxyId) return;
    if (old !== undefined) {
      const set = this.byProxy.get(old);
      set?.delete(accountId);
      if (set && set.size === 0) this.byProxy.delete(old);
    }
    if (proxyId === undefined) {
      this.boundTo.delete(accountId);
      return;
    }
    this.boundTo.set(accountId, proxyId);
    let set = this.byProxy.get(proxyId);
    if (!set) {
      set = new Set();
      this.byProxy.set(proxyId, set);
    }
    set.add(accountId);
  }
}
