// The egress settings, read from the live configuration (recomputed only when it changes).
import type { AppConfig } from '../config/index.js';
import type { EgressSettings } from './egress-types.js';

let lastConfig: AppConfig | undefined;
let lastSettings: EgressSettings | undefined;

/**
 * Timeouts by phase of an upstream call: connect = chat.connect_timeout, response headers =
 * network.headers_timeout, silence between bytes = chat.stream_idle_timeout (the chat watchdog),
 * whole call = chat.request_timeout.
 */
export function egressSettingsFrom(c: AppConfig): EgressSettings {
  if (c === lastConfig && lastSettings) return lastSettings;
  const s: EgressSettings = {
    urls: c.proxy.urls,
    assetUrls: c.proxy.asset_urls,
    required: c.proxy.required,
    failThreshold: c.proxy.fail_threshold,
    probeUrl: c.proxy.probe_url || c.grok.base_url,
    assetProbeUrl: c.proxy.probe_url || c.grok.assets_url,
    probeIntervalMs: c.proxy.probe_interval * 1000,
    probeBackoffMs: c.proxy.probe_backoff * 1000,
    probeTimeoutMs: c.proxy.probe_timeout * 1000,
    transport: c.network.transport,
    impitBrowser: c.network.impit_browser,
    connectTimeoutMs: c.chat.connect_timeout * 1000,
    headersTimeoutMs: c.network.headers_timeout * 1000,
    requestTimeoutMs: c.chat.request_timeout * 1000,
    baseUrl: c.grok.base_url,
    userAgent: c.grok.user_agent,
    acceptLanguage: c.grok.accept_language,
    pollMs: c.accounts.poll_interval * 1000,
  };
  lastConfig = c;
  lastSettings = s;
  return s;
}
