// The health probe: one GET of the probe URL through a proxy, on a connection of its own.
// Healthy = an HTTP answer below 500 that is not a Cloudflare challenge (a proxy whose IP is
// challenged carries nothing useful to grok.com, however fast it is).
import { readLimitedText, type Transport } from '../grok/index.js';

export interface ProbeResult {
  ok: boolean;
  /** Time to the response headers, ms (when an answer came). */
  latencyMs?: number | undefined;
  status?: number | undefined;
  /** Why it failed (never contains credentials). */
  error?: string | undefined;
  checkedAt: number;
}

const CHALLENGE_MARKERS = ['just a moment', 'challenge-platform', 'cf-chl', 'attention required'];
const BODY_LIMIT = 16 * 1024;

function header(h: Record<string, string | string[] | undefined>, name: string): string {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

export async function probeThrough(
  transport: Transport,
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  scrub: (s: string) => string,
): Promise<ProbeResult> {
  const started = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const res = await transport.request({ method: 'GET', url, headers, signal, headersTimeoutMs: timeoutMs, bodyIdleTimeoutMs: timeoutMs, fresh: true });
    const latencyMs = Date.now() - started;
    let body = '';
    if (res.status === 403 || res.status === 503) {
      body = (await readLimitedText(res.body, BODY_LIMIT).catch(() => '')).toLowerCase();
    } else {
      res.body.destroy();
    }
    const challenged = header(res.headers, 'cf-mitigated').toLowerCase() === 'challenge' || CHALLENGE_MARKERS.some((m) => body.includes(m));
    if (challenged) return { ok: false, latencyMs, status: res.status, error: `Cloudflare challenge (HTTP ${res.status}) through this proxy`, checkedAt: Date.now() };
    if (res.status >= 500) return { ok: false, latencyMs, status: res.status, error: `HTTP ${res.status} from the probe URL`, checkedAt: Date.now() };
    return { ok: true, latencyMs, status: res.status, checkedAt: Date.now() };
  } catch (err) {
    const e = err as { code?: string; message?: string; name?: string };
    const what = signal.aborted ? `no answer within ${timeoutMs} ms` : `${e.code ? `${e.code} ` : ''}${e.message ?? String(err)}`;
    return { ok: false, error: scrub(what.split('\n')[0] ?? what), checkedAt: Date.now() };
  }
}
