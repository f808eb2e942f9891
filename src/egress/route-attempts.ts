// "Pick a route → run the attempt → report success or fault": the one way an upstream call goes
// through the egress. Chat and media retries use RouteAttempts (one per client request: a proxy
// that failed the request is kept out of its next attempts); one-off calls of an account (quota
// syncs, the admin token test) use throughRoute.
import { GrokUpstreamError, classifyTransportError, type AbortLike } from '../grok/index.js';
import type { EgressRoute, EgressSelector } from './egress-types.js';

const NONE: ReadonlySet<string> = new Set();

function asUpstreamError(err: unknown): GrokUpstreamError {
  return err instanceof GrokUpstreamError ? err : classifyTransportError(err);
}

/**
 * One call through the account's route, its outcome reported. A route that cannot be had
 * (proxy.required with none configured) throws as it is: nothing was sent.
 */
export async function throughRoute<T>(egress: EgressSelector, accountId: string, call: (route: EgressRoute) => Promise<T>): Promise<T> {
  const route = egress.routeFor(accountId, NONE);
  try {
    const value = await call(route);
    egress.report(route);
    return value;
  } catch (err) {
    egress.report(route, asUpstreamError(err));
    throw err;
  }
}

/**
 * The egress side of one client request's retries: each attempt asks for the account's route (its
 * bound proxy), and a failure that is the proxy's fault (network error, Cloudflare challenge) is
 * reported and keeps that proxy out of the request's next attempts. The account exclusion stays in
 * the retry layer; this is the proxy exclusion next to it.
 */
export class RouteAttempts {
  private readonly tried = new Set<string>();
  /** Route label per attempt, in attempt order (matches the retry layer's attempt records). */
  private readonly labels: Array<string | undefined> = [];

  /**
   * `egress` undefined: every attempt leaves by the clients' defaults (route undefined).
   * `signal`: the client's; a failure after it fired says nothing about the proxy and is not reported.
   */
  constructor(
    private readonly egress: EgressSelector | undefined,
    private readonly signal?: AbortLike | undefined,
  ) {}

  /** Runs one attempt through this attempt's route and reports its outcome. */
  async run<T>(accountId: string, attempt: (route: EgressRoute | undefined) => Promise<T>): Promise<T> {
    const route = this.route(accountId);
    try {
      const value = await attempt(route);
      if (route && this.egress) this.egress.report(route);
      return value;
    } catch (err) {
      this.failed(route, err);
      throw err;
    }
  }

  /** The label of the last attempt's route. */
  get last(): string | undefined {
    return this.labels[this.labels.length - 1];
  }

  /** Puts each attempt's egress on the retry layer's attempt records (same order). */
  annotate(attempts: ReadonlyArray<{ proxy?: string | undefined }>): void {
    attempts.forEach((a, i) => {
      const label = this.labels[i];
      if (label !== undefined) a.proxy = label;
    });
  }

  private route(accountId: string): EgressRoute | undefined {
    if (!this.egress) {
      this.labels.push(undefined);
      return undefined;
    }
    try {
      const r = this.egress.routeFor(accountId, this.tried);
      this.labels.push(r.label);
      return r;
    } catch (err) {
      // No route (proxy.required, none configured): a transport failure of this attempt.
      this.labels.push(undefined);
      throw classifyTransportError(err);
    }
  }

  private failed(route: EgressRoute | undefined, err: unknown): void {
    if (!route || !this.egress || this.signal?.aborted) return;
    if (this.egress.report(route, asUpstreamError(err)) && route.proxyId) this.tried.add(route.proxyId);
  }
}
