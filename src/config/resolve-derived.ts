// Values derived from other keys, filled in once after validation.
import type { AppConfig } from './schema.js';

/** The imagine WebSocket URL for a Grok base URL: http → ws, https → wss, same host and port. */
export function deriveWsUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  const scheme = url.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${url.host}/ws/imagine/listen`;
}

function trimTrailingSlashes(value: string): string {
  return value.replace(/\/+$/, '');
}

/**
 * Returns a copy of `config` with derived values filled in:
 * - `grok.ws_url` from `grok.base_url` when empty;
 * - trailing slashes removed from `app.app_url`, `grok.base_url`, `grok.assets_url`
 *   (callers append paths: `${base_url}/rest/...`).
 */
export function resolveDerived(config: AppConfig): AppConfig {
  const baseUrl = trimTrailingSlashes(config.grok.base_url);
  return {
    ...config,
    app: { ...config.app, app_url: trimTrailingSlashes(config.app.app_url) },
    grok: {
      ...config.grok,
      base_url: baseUrl,
      assets_url: trimTrailingSlashes(config.grok.assets_url),
      ws_url: config.grok.ws_url === '' ? deriveWsUrl(baseUrl) : config.grok.ws_url,
    },
  };
}
