// Client key secrets: `sk-` + 256 random bits (base64url), stored only as their SHA-256. The masked
// form keeps 4 characters of each end, enough for an operator to tell keys apart in listings.
import { createHash, randomBytes } from 'node:crypto';

export function newKeySecret(): string {
  return `sk-${randomBytes(32).toString('base64url')}`;
}

export function newKeyId(): string {
  return `ck_${randomBytes(8).toString('hex')}`;
}

export function hashKeySecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function maskKeySecret(secret: string): string {
  return `${secret.slice(0, 7)}…${secret.slice(-4)}`;
}

/** Shape of a generated secret: lets the /v1 check skip a store refresh for obviously foreign keys. */
export const KEY_SECRET_RE = /^sk-[A-Za-z0-9_-]{43}$/;
