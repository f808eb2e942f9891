// One proxy as the operator writes it: a URL, optionally followed by the Cloudflare clearance
// profile that belongs to that proxy's IP:
//   socks5://user:pass@host:1080 cf_clearance=<value> user_agent=<the browser's UA, rest of the line>
// Bulk text (admin console, config lists) has one per line; blank lines and `#` comments are skipped.
import { createHash } from 'node:crypto';
import { parseProxyUrl, ProxyUrlError } from './proxy-url.js';

export interface ClearanceProfile {
  /** cf_clearance obtained through this proxy's IP; only sent through it. */
  cfClearance?: string | undefined;
  /** The User-Agent that obtained cf_clearance (sent with it, never another). */
  userAgent?: string | undefined;
}

export interface ProxyEntry {
  /** Canonical URL (credentials included). */
  url: string;
  profile: ClearanceProfile;
}

export interface ParsedProxyLines {
  entries: Array<ProxyEntry & { line: number }>;
  errors: Array<{ line: number; message: string }>;
}

/** Stable id from the canonical URL, so every instance (and the config) agree on it. */
export function proxyIdFor(url: string): string {
  return `px_${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

/** Parses `<url> [cf_clearance=<v>] [user_agent=<rest of line>]`; throws Error (never showing a password). */
export function parseProxyEntry(text: string): ProxyEntry {
  const line = text.trim();
  const uaAt = line.search(/(^|\s)user_agent=/i);
  let head = line;
  let userAgent: string | undefined;
  if (uaAt >= 0) {
    const eq = line.indexOf('=', uaAt);
    userAgent = line.slice(eq + 1).trim();
    head = line.slice(0, uaAt).trim();
    if (!userAgent) throw new Error('user_agent= is empty');
  }
  const fields = head.split(/\s+/).filter(Boolean);
  const rawUrl = fields.shift();
  if (!rawUrl) throw new Error('missing proxy URL');
  const url = parseProxyUrl(rawUrl).href;
  const profile: ClearanceProfile = {};
  for (const f of fields) {
    const eq = f.indexOf('=');
    const key = (eq === -1 ? f : f.slice(0, eq)).toLowerCase();
    const value = eq === -1 ? '' : f.slice(eq + 1);
    if (key === 'cf_clearance') {
      if (!value) throw new Error('cf_clearance= is empty');
      profile.cfClearance = value.replace(/^cf_clearance=/i, '').replace(/;$/, '');
    } else {
      throw new Error(`unknown field "${key}" (expected cf_clearance=... or user_agent=...)`);
    }
  }
  if (userAgent) profile.userAgent = userAgent;
  return { url, profile };
}

/** Bulk text, one proxy per line; each bad line reported by its number (1-based). */
export function parseProxyLines(text: string): ParsedProxyLines {
  const out: ParsedProxyLines = { entries: [], errors: [] };
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    try {
      out.entries.push({ ...parseProxyEntry(line), line: i + 1 });
    } catch (err) {
      out.errors.push({ line: i + 1, message: err instanceof ProxyUrlError || err instanceof Error ? err.message : String(err) });
    }
  });
  return out;
}
