// The egress side of one client request's retries: each attempt asks for the account's route
// (its bound proxy), and a failure that is the proxy's fault (network error, Cloudflare challenge)
// is reported and keeps that proxy out of the request's next attempts. The account exclusion stays
// in the retry layer; this is the proxy exclusion next to it.
import type { EgressRoute, EgressSelector } from '../egress/index.js';
import type { AbortLike } from '../grok/cancellation.js';
import { GrokUpstreamError, classifyTransportError } from '../grok/errors.js';
import type { AttemptRecord } from './retry.js';

export class EgressAttempts {
  private readonly tried = new Set<string>();
  /** Route label per attempt, in attempt order (matches the retry layer's AttemptRecords). */
  private readonly labels: Array<string | undefined> = [];

  constructor(private readonly egress: EgressSelector | undefined) {}

  /** The route for this attempt (undefined without an egress service: the client's defaults). */
  route(accountId: string): EgressRoute | undefined {
    if (!this.egress) {
      this.labels.push(undefined);
      return undefined;
    }
    try {
      const r = this.egress.routeFor(accountId, this.tried);
      this.labels.push(r.label);
      return r;
    } catch (err) {
      this.labels.push(undefined);
      throw classifyTransportError(err);
    }
  }

  succeeded(route: EgressRoute | undefined): void {
    if (route && this.egress) this.egress.report(route);
  }

  /** Reports a failed attempt (not when the client went away: that says nothing about the proxy). */
  failed(route: EgressRoute | undefined, err: unknown, signal: AbortLike | undefined): void {
    if (!route || !this.egress || signal?.aborted) return;
    const e = err instanceof GrokUpstreamError ? err : classifyTransportError(err);
    if (this.egress.report(route, e) && route.proxyId) this.tried.add(route.proxyId);
  }

  /** The label of the last attempt's route. */
  get last(): string | undefined {
    return this.labels[this.labels.length - 1];
  }

  /** Adds `proxy` to the retry layer's attempt records (same order). */
  annotate(attempts: AttemptRecord[]): void {
    attempts.forEach((a, i) => {
      const label = this.labels[i];
      if (label !== undefined) a.proxy = label;
    });
  }
}
