// Decodes a client's data: URL (RFC 2397). Base64 is checked strictly: Node's decoder skips any
// character outside the alphabet, so "data:image/png;base64,<not base64>" would otherwise become a
// few bytes of garbage uploaded as an image. Whitespace (line-wrapped base64) is allowed; the
// standard and URL-safe alphabets are both accepted, padding optional.

export interface DataUrl {
  /** The declared type, lower case (application/octet-stream when none is given). */
  mimeType: string;
  bytes: Buffer;
}

export type DataUrlProblem = 'syntax' | 'base64';

export type ParsedDataUrl = { ok: true; value: DataUrl } | { ok: false; problem: DataUrlProblem; message: string };

const BASE64 = /^[A-Za-z0-9+/_-]*$/;

/** Strict base64 → bytes; undefined when `text` is not base64. */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  const body = compact.replace(/={1,2}$/, '');
  if (!BASE64.test(body)) return undefined;
  // A single leftover character carries fewer than 8 bits: not a whole byte, so not base64.
  if (body.length % 4 === 1) return undefined;
  // Padding, when present, must complete the last quantum exactly.
  if (compact.length !== body.length && compact.length % 4 !== 0) return undefined;
  return Buffer.from(body, 'base64');
}

export function parseDataUrl(url: string): ParsedDataUrl {
  const comma = url.indexOf(',');
  if (!url.startsWith('data:') || comma === -1) return { ok: false, problem: 'syntax', message: 'expected data:[<type>][;base64],<data>' };
  const meta = url.slice(5, comma);
  const data = url.slice(comma + 1);
  const parts = meta.split(';');
  const mimeType = (parts[0] ?? '').trim().toLowerCase() || 'application/octet-stream';
  const base64 = parts.slice(1).some((p) => p.trim().toLowerCase() === 'base64');
  if (base64) {
    const bytes = decodeBase64Strict(data);
    return bytes ? { ok: true, value: { mimeType, bytes } } : { ok: false, problem: 'base64', message: 'the data is not valid base64' };
  }
  try {
    return { ok: true, value: { mimeType, bytes: Buffer.from(decodeURIComponent(data), 'utf8') } };
  } catch {
    return { ok: false, problem: 'syntax', message: 'the data is not valid percent-encoding' };
  }
}
