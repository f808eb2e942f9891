// Account ids are derived from the token, so every instance (and every restart) agrees on them
// without coordination, and re-importing a token updates the same account.
import { createHash } from 'node:crypto';

export function accountIdFor(token: string): string {
  return `acc_${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/** Tokens are pasted with or without `sso=` and with stray whitespace; the cookie needs the bare value. */
export function normalizeToken(raw: string): string {
  let t = raw.replace(/[\s\u200b-\u200d\ufeff]/g, '');
  if (t.toLowerCase().startsWith('sso=')) t = t.slice(4);
  return t;
}
