// Per-token state: the configured behaviour, the live quota windows (docs/grok-protocol.md §11.1, §17.7) and
// the remaining scripted upload failures. Mutable, reset whenever setToken is called.

import { createHash } from 'node:crypto';
import type { FakeQuotaWindow, FakeTokenBehavior } from './types.js';

export const DEFAULT_QUOTA: FakeQuotaWindow = { remaining: 1000, total: 1000, windowSeconds: 7200 };

/** A live window: when the first query of a window is taken it starts; after windowSeconds it refills. */
export interface LiveWindow extends FakeQuotaWindow {
  resetAt: number | undefined;
}

interface TokenState {
  behavior: FakeTokenBehavior;
  quota: Map<string, LiveWindow>;
  uploadFailuresLeft: number;
  terminalErrorsLeft: number;
}

export class TokenRegistry {
  readonly #tokens = new Map<string, TokenState>();
  readonly #acceptAny: boolean;
  readonly #defaultQuota: FakeQuotaWindow;

  constructor(initial: Record<string, FakeTokenBehavior> | undefined, acceptAny: boolean, defaultQuota?: Partial<FakeQuotaWindow>) {
    this.#acceptAny = acceptAny;
    this.#defaultQuota = { ...DEFAULT_QUOTA, ...defaultQuota };
    for (const [token, behavior] of Object.entries(initial ?? {})) this.set(token, behavior);
  }

  set(token: string, behavior: FakeTokenBehavior): void {
    this.#tokens.set(token, { behavior: { ...behavior }, quota: new Map(), uploadFailuresLeft: behavior.uploadFailures ?? 0, terminalErrorsLeft: behavior.uploadTerminalErrors ?? 0 });
  }

  remove(token: string): void {
    this.#tokens.delete(token);
  }

  isKnown(token: string): boolean {
    return this.#tokens.has(token) || this.#acceptAny;
  }

  /** The state of a known token, created on first use for acceptAnyToken tokens. */
  #state(token: string): TokenState {
    let s = this.#tokens.get(token);
    if (!s) {
      s = { behavior: {}, quota: new Map(), uploadFailuresLeft: 0, terminalErrorsLeft: 0 };
      this.#tokens.set(token, s);
    }
    return s;
  }

  behavior(token: string): FakeTokenBehavior {
    return this.#tokens.get(token)?.behavior ?? {};
  }

  /** The live window for token + mode (a copy of the configured or default one on first use). */
  window(token: string, mode: string): LiveWindow {
    const s = this.#state(token);
    let w = s.quota.get(mode);
    if (!w) {
      const cfg = s.behavior.quota?.[mode] ?? this.#defaultQuota;
      // A window configured as partly used is already running.
      w = { ...cfg, resetAt: cfg.remaining < cfg.total ? Date.now() + cfg.windowSeconds * 1000 : undefined };
      s.quota.set(mode, w);
    }
    if (w.resetAt !== undefined && Date.now() >= w.resetAt) {
      w.remaining = w.total;
      w.resetAt = undefined;
    }
    return w;
  }

  /** Takes one query from the window; false (and no change) when it is empty. */
  consume(token: string, mode: string): boolean {
    const w = this.window(token, mode);
    if (w.remaining <= 0) return false;
    w.remaining -= 1;
    w.resetAt ??= Date.now() + w.windowSeconds * 1000;
    return true;
  }

  /** True when this upload must answer with a terminalError (and counts it). */
  takeTerminalError(token: string): boolean {
    const s = this.#state(token);
    if (s.terminalErrorsLeft <= 0) return false;
    s.terminalErrorsLeft -= 1;
    return true;
  }

  /** True when this upload must fail (and counts it). */
  takeUploadFailure(token: string): boolean {
    const s = this.#state(token);
    if (s.uploadFailuresLeft <= 0) return false;
    s.uploadFailuresLeft -= 1;
    return true;
  }
}

/** A stable per-token user id (used in asset paths `users/<uid>/...`), UUID-shaped like Grok's. */
export function userIdFor(token: string): string {
  const h = createHash('sha256').update(token).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
