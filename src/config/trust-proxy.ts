// server.trust_proxy: which peers may speak for the client in X-Forwarded-For/-Proto/-Host.
// `true` used to mean "trust every peer", and then the client itself picks its address (the
// left-most X-Forwarded-For entry): lockouts are dodged and logs lie. Only an explicit list of
// proxy addresses/CIDRs is accepted now; Fastify walks X-Forwarded-For from the right and stops at
// the first address that is not a trusted proxy. A hop count is refused too: it cannot tell the
// proxy from a client that connects directly, and Fastify 5 ignores X-Forwarded-* for it anyway
// (it fails closed), so accepting one would silently change nothing.
import { isIP } from 'node:net';

/** The message a bad value gets (config errors read "server.trust_proxy: expected ..."). */
export const TRUST_PROXY_EXPECTED =
  'expected "" (off) or the addresses/CIDRs of your reverse proxies, such as "127.0.0.1" or ["10.0.0.0/8", "::1"] ' +
  '(true and hop counts are refused: they let a client that connects directly choose its own X-Forwarded-For)';

/** Names proxy-addr (Fastify's trust check) knows for address ranges. */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const OFF = new Set(['', 'false', 'no', 'off']);

/** The forms the configuration accepts (TOML: false, a string, a list), as one string. */
export function trustProxyInput(v: unknown): unknown {
  if (v === false) return '';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join(', ');
  return v;
}

function isAddressOrRange(entry: string): boolean {
  if (RANGE_NAMES.has(entry) || isIP(entry) !== 0) return true;
  const slash = entry.indexOf('/');
  if (slash === -1) return false;
  const family = isIP(entry.slice(0, slash));
  const bits = entry.slice(slash + 1);
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** Fastify's `trustProxy` for a valid setting: false (off) or the trusted proxy addresses. */
export function trustProxyOption(setting: string): false | string[] {
  if (OFF.has(setting.trim().toLowerCase())) return false;
  return setting.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Whether a (string) setting is valid. */
export function isValidTrustProxy(setting: string): boolean {
  const entries = trustProxyOption(setting);
  return entries === false || (entries.length > 0 && entries.every(isAddressOrRange));
}
