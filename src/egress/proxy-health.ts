// Proxy health: what calls report (a failure that is the egress's fault counts against the proxy;
// enough in a row mark it unhealthy and move its unpinned accounts), and the probes that find out
// when it works again (backing off while it does not). A proxy carrying a call is healthy again.
import type { Logger } from 'pino';
import { buildCfCookieSuffix, type GrokUpstreamError } from '../grok/index.js';
import { isEgressFailure } from './egress-failure.js';
import type { EgressRoute, EgressSettings } from './egress-types.js';
import { probeThrough, type ProbeResult } from './probe.js';
import type { ProxyBinding } from './proxy-binding.js';
import type { PoolProxy, ProxyPool } from './proxy-pool.js';

const MAX_PROBES_AT_ONCE = 8;

export class ProxyHealth {
  private readonly reported = new WeakSet<GrokUpstreamError>();
  private probesRunning = 0;

  constructor(
    private readonly pool: ProxyPool,
    private readonly binding: ProxyBinding,
    private readonly settings: () => EgressSettings,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** A call's outcome; true when the error was the egress's fault (then avoid that proxy for the retry). */
  report(route: EgressRoute, error?: GrokUpstreamError): boolean {
    if (error !== undefined) {
      // One failure belongs to one egress: an asset download that failed through an asset proxy is
      // reported there first, then again by the attempt around it (whose route did not carry it).
      if (this.reported.has(error)) return false;
      this.reported.add(error);
    }
    const egressFault = error !== undefined && isEgressFailure(error);
    const p = route.proxyId ? this.pool.get(route.proxyId) : undefined;
    if (!p) return egressFault;
    if (egressFault) {
      p.lastError = this.pool.scrub(p, error.message);
      this.countFailure(p, p.lastError);
      return true;
    }
    p.successes++;
    p.consecutiveFailures = 0;
    if (!p.healthy) {
      p.healthy = true;
      p.probeFailures = 0;
      this.logger.info({ proxy: p.masked }, 'proxy carried a call again: healthy');
    }
    return false;
  }

  /** Starts the probes that are due (bounded, one at a time per proxy). */
  probeDue(): void {
    const now = this.now();
    for (const p of this.pool.proxies.values()) {
      if (this.probesRunning >= MAX_PROBES_AT_ONCE) break;
      if (p.probing || now < p.nextProbeAt) continue;
      p.probing = true;
      this.probesRunning++;
      void this.probe(p).finally(() => {
        p.probing = false;
        this.probesRunning--;
      });
    }
  }

  /** Probes one proxy now and updates its health from the result. */
  async probe(p: PoolProxy): Promise<ProbeResult> {
    const s = this.settings();
    let result: ProbeResult;
    try {
      result = await probeThrough(this.pool.transportOf(p), this.probeUrlOf(p), this.probeHeaders(p), s.probeTimeoutMs, (m) => this.pool.scrub(p, m));
    } catch (err) {
      result = { ok: false, error: this.pool.scrub(p, err instanceof Error ? err.message : String(err)), checkedAt: this.now() };
    }
    if (this.pool.get(p.id) !== p) return result; // removed meanwhile
    p.checkedAt = result.checkedAt;
    const now = this.now();
    if (result.ok) {
      p.latencyMs = result.latencyMs;
      p.consecutiveFailures = 0;
      p.probeFailures = 0;
      p.nextProbeAt = now + s.probeIntervalMs * (0.9 + Math.random() * 0.2);
      if (!p.healthy) {
        p.healthy = true;
        this.logger.info({ proxy: p.masked, latencyMs: p.latencyMs }, 'proxy healthy again');
      }
    } else {
      p.latencyMs = result.latencyMs;
      p.lastError = result.error;
      p.probeFailures++;
      p.nextProbeAt = now + Math.min(s.probeBackoffMs * 2 ** (p.probeFailures - 1), Math.max(s.probeIntervalMs, s.probeBackoffMs));
      this.countFailure(p, result.error);
    }
    return result;
  }

  private countFailure(p: PoolProxy, why: string | undefined): void {
    p.consecutiveFailures++;
    p.failures++;
    if (p.healthy && p.consecutiveFailures >= this.settings().failThreshold) this.markUnhealthy(p, why);
  }

  private markUnhealthy(p: PoolProxy, why: string | undefined): void {
    p.healthy = false;
    p.nextProbeAt = Math.min(p.nextProbeAt, this.now() + this.settings().probeBackoffMs);
    let moved = 0;
    if (p.pool === 'app') {
      const skip = new Set([p.id]);
      for (const accountId of this.binding.accountsOn(p.id)) {
        if (this.binding.isPinned(accountId, p.id)) continue;
        const q = this.pool.leastBound(skip, (id) => this.binding.boundCount(id));
        if (!q) break;
        if (this.binding.set(accountId, q.id)) moved++;
      }
    }
    this.logger.warn({ proxy: p.masked, failures: p.consecutiveFailures, error: why, rebound: moved }, 'proxy marked unhealthy');
  }

  private probeUrlOf(p: PoolProxy): string {
    const s = this.settings();
    return p.pool === 'asset' ? s.assetProbeUrl : s.probeUrl;
  }

  private probeHeaders(p: PoolProxy): Record<string, string> {
    const s = this.settings();
    const cf = buildCfCookieSuffix(p.profile.cfClearance, undefined);
    return {
      'User-Agent': p.profile.userAgent ?? s.userAgent,
      Accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'Accept-Language': s.acceptLanguage,
      ...(cf ? { Cookie: cf } : {}),
    };
  }
}
