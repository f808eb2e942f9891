// The kept sample of a drift finding: the message's structure with its secrets and user content
// removed. Credentials (tokens, cookies, keys) and user text (prompts, answer text, queries) are
// replaced, other strings cut to 80 characters, depth and array length bounded.

const SECRET_KEY = /token|cookie|sso|auth|secret|password|jwt|signature|session_key|api[-_]?key|email|phone/i;
const CONTENT_KEY = /^(text|delta|prompt|message_text|content|query|snippet|title|name|input|instructions)$/i;
const MAX_STRING = 80;
const MAX_DEPTH = 6;
const MAX_ITEMS = 5;
const MAX_KEYS = 40;

export function redactSample(v: unknown, depth = 0, key = ''): unknown {
  if (key !== '' && SECRET_KEY.test(key)) return '[redacted]';
  if (typeof v === 'string') {
    if (key !== '' && CONTENT_KEY.test(key)) return `[${v.length} chars]`;
    return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}…` : v;
  }
  if (v === null || typeof v !== 'object') return v;
  if (depth >= MAX_DEPTH) return Array.isArray(v) ? '[array]' : '[object]';
  if (Array.isArray(v)) {
    const items = v.slice(0, MAX_ITEMS).map((x) => redactSample(x, depth + 1, key));
    if (v.length > MAX_ITEMS) items.push(`… ${v.length - MAX_ITEMS} more`);
    return items;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (n++ >= MAX_KEYS) break;
    out[k] = redactSample(x, depth + 1, k);
  }
  return out;
}

/** A non-JSON body (HTML page): only its first characters, with anything cookie-like cut. */
export function redactText(text: string): string {
  const head = text.slice(0, MAX_STRING).replace(/[A-Za-z0-9_\-.]{32,}/g, '[redacted]');
  return text.length > MAX_STRING ? `${head}…` : head;
}
