// Bulk token input: the admin console's text box, GROK2API_SSO_TOKENS, and the Python grok2api's
// data/token.json, normalised into one list of entries. Bad lines are reported by number.
import type { AccountTier } from './account-source.js';
import { normalizeToken } from './account-id.js';

export interface TokenEntry {
  token: string;
  tier?: AccountTier | undefined;
  tags?: string[] | undefined;
  note?: string | undefined;
  /** `proxyURL@token` pins the account to that proxy (egress). */
  proxyUrl?: string | undefined;
}

export interface ParsedTokens {
  entries: TokenEntry[];
  errors: Array<{ line: number; message: string }>;
}

const TIERS = new Set<string>(['basic', 'super', 'heavy']);
const PROXY_RE = /^((?:https?|socks4|socks5h?):\/\/\S+)@([^@\s]+)$/i;

/**
 * One account per line: `<token> [tier] [tag,tag,...]`, fields separated by whitespace, tabs or
 * commas-after-token (`token,super,tag1|tag2`). Blank lines and `#` comments are skipped.
 */
export function parseTokenLines(text: string): ParsedTokens {
  const entries: TokenEntry[] = [];
  const errors: ParsedTokens['errors'] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.includes('\t') || line.includes(' ') ? line.split(/\s+/) : line.split(',');
    let first = fields.shift() ?? '';
    let proxyUrl: string | undefined;
    const pm = PROXY_RE.exec(first);
    if (pm) {
      proxyUrl = pm[1];
      first = pm[2] ?? '';
    }
    const token = normalizeToken(first);
    if (!token || token.length < 8) {
      errors.push({ line: i + 1, message: 'token missing or too short' });
      return;
    }
    let tier: AccountTier | undefined;
    const tags: string[] = [];
    for (const f of fields) {
      if (!f) continue;
      const low = f.toLowerCase();
      if (!tier && TIERS.has(low)) tier = low as AccountTier;
      else if (low.startsWith('tier=')) {
        const t = low.slice(5);
        if (!TIERS.has(t)) {
          errors.push({ line: i + 1, message: `unknown tier "${t}" (basic, super or heavy)` });
          return;
        }
        tier = t as AccountTier;
      } else tags.push(...f.replace(/^tags?=/i, '').split(/[|,]/).filter(Boolean));
    }
    entries.push({ token, tier, tags: tags.length ? tags : undefined, proxyUrl });
  });
  return { entries, errors };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function entryFrom(value: unknown, key: string | undefined, tier: AccountTier): TokenEntry | undefined {
  let token: string | undefined = key;
  let tags: string[] | undefined;
  let note: string | undefined;
  if (typeof value === 'string') token = value;
  else if (isRecord(value)) {
    if (typeof value.token === 'string') token = value.token;
    else if (typeof value.sso === 'string') token = value.sso;
    if (Array.isArray(value.tags)) tags = value.tags.filter((t): t is string => typeof t === 'string');
    if (typeof value.note === 'string' && value.note) note = value.note;
  }
  if (!token) return undefined;
  const t = normalizeToken(token);
  return t.length >= 8 ? { token: t, tier, tags, note } : undefined;
}

/**
 * The Python grok2api's token file. Dec 2025: `{"ssoNormal": {<token>: {...}}, "ssoSuper": {...}}`.
 * Feb 2026: `{"ssoBasic": [{"token": ...}], "ssoSuper": [...]}`. Apr-style pools
 * (`{"basic": [...], "super": [...], "heavy": [...]}`) are accepted too.
 */
export function parsePythonTokenFile(json: unknown): ParsedTokens {
  const entries: TokenEntry[] = [];
  const errors: ParsedTokens['errors'] = [];
  if (!isRecord(json)) return { entries, errors: [{ line: 0, message: 'token file is not a JSON object' }] };
  const pools: Record<string, AccountTier> = {
    ssoNormal: 'basic',
    ssoBasic: 'basic',
    basic: 'basic',
    ssoSuper: 'super',
    super: 'super',
    ssoHeavy: 'heavy',
    heavy: 'heavy',
  };
  let matched = false;
  for (const [pool, tier] of Object.entries(pools)) {
    const v = json[pool];
    if (v === undefined) continue;
    matched = true;
    const items: Array<[string | undefined, unknown]> = Array.isArray(v) ? v.map((x) => [undefined, x]) : isRecord(v) ? Object.entries(v) : [];
    items.forEach(([key, value], i) => {
      const e = entryFrom(value, key, tier);
      if (e) entries.push(e);
      else errors.push({ line: i + 1, message: `${pool}[${i}]: no usable token` });
    });
  }
  if (!matched) errors.push({ line: 0, message: 'no known pool (ssoNormal, ssoBasic, ssoSuper, basic, super, heavy) in the token file' });
  return { entries, errors };
}
