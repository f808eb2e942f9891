// Minimal account source: the seeded tokens in memory, round-robin, with the account's fate
// decided by the failure kind (invalid credential / blocked → never again; 429 → cooling).
import type { FailureKind } from '../grok/errors.js';
import { maskToken } from './mask-token.js';
import type { AccountLease, AccountSource, AccountSummary, LeaseOutcome, LeaseRequest, LeaseResult } from './account-source.js';

interface SeededAccount {
  id: string;
  token: string;
  masked: string;
  status: 'active' | 'cooling' | 'invalid';
  coolingUntil: number;
  inflight: number;
}

const DEFAULT_COOLDOWN_SECONDS = 60;

export class SeededAccountSource implements AccountSource {
  private readonly accounts: SeededAccount[] = [];
  private readonly byToken = new Map<string, SeededAccount>();
  private cursor = 0;

  constructor(
    tokens: string[],
    private readonly opts: { maxInflight: number; now?: () => number } = { maxInflight: 8 },
  ) {
    this.addTokens(tokens);
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  addTokens(tokens: string[]): number {
    let added = 0;
    for (const raw of tokens) {
      const token = raw.trim();
      if (!token || this.byToken.has(token)) continue;
      const acc: SeededAccount = {
        id: `acc-${this.accounts.length + 1}`,
        token,
        masked: maskToken(token),
        status: 'active',
        coolingUntil: 0,
        inflight: 0,
      };
      this.accounts.push(acc);
      this.byToken.set(token, acc);
      added++;
    }
    return added;
  }

  lease(req: LeaseRequest): LeaseResult {
    const n = this.accounts.length;
    if (n === 0) return { ok: false, reason: 'empty' };
    const now = this.now();
    let earliestCooling = Infinity;
    for (let i = 0; i < n; i++) {
      const acc = this.accounts[(this.cursor + i) % n];
      if (!acc) continue;
      if (acc.status === 'cooling' && acc.coolingUntil <= now) acc.status = 'active';
      if (req.exclude.has(acc.id)) continue;
      if (acc.status === 'cooling') {
        earliestCooling = Math.min(earliestCooling, acc.coolingUntil);
        continue;
      }
      if (acc.status !== 'active' || acc.inflight >= this.opts.maxInflight) continue;
      this.cursor = (this.cursor + i + 1) % n;
      acc.inflight++;
      return { ok: true, lease: this.makeLease(acc) };
    }
    if (earliestCooling !== Infinity) {
      return { ok: false, reason: 'cooling', retryAfterSeconds: Math.max(1, Math.ceil((earliestCooling - now) / 1000)) };
    }
    return { ok: false, reason: 'exhausted' };
  }

  private makeLease(acc: SeededAccount): AccountLease {
    let released = false;
    return {
      accountId: acc.id,
      token: acc.token,
      masked: acc.masked,
      release: (outcome: LeaseOutcome) => {
        if (released) return;
        released = true;
        acc.inflight--;
        if (!outcome.ok) this.applyFailure(acc, outcome.error.kind, outcome.error.retryAfterSeconds);
      },
    };
  }

  private applyFailure(acc: SeededAccount, kind: FailureKind, retryAfterSeconds: number | undefined): void {
    if (kind === 'invalid-credential' || kind === 'blocked-account') {
      acc.status = 'invalid';
    } else if (kind === 'rate-limited') {
      acc.status = 'cooling';
      acc.coolingUntil = this.now() + (retryAfterSeconds ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
    }
    // anti-bot, transport, timeouts and 5xx are not the account's fault: left untouched.
  }

  summary(): AccountSummary {
    const now = this.now();
    const s: AccountSummary = { total: this.accounts.length, active: 0, cooling: 0, invalid: 0 };
    for (const a of this.accounts) {
      if (a.status === 'invalid') s.invalid++;
      else if (a.status === 'cooling' && a.coolingUntil > now) s.cooling++;
      else s.active++;
    }
    return s;
  }
}
