// Connection URLs carry passwords; nothing the store logs or reports may show one.

/** The URL with its password (if any) replaced by `****`; unparsable input is masked whole after the scheme. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/).*$/i, '$1****');
  }
}

/** The secrets of a connection URL (password, raw and decoded), to scrub from error messages. */
export function urlSecrets(url: string): string[] {
  try {
    const u = new URL(url);
    if (!u.password) return [];
    const out = new Set([u.password]);
    try {
      out.add(decodeURIComponent(u.password));
    } catch {
      // keep the raw form only
    }
    return [...out].filter((s) => s.length > 0);
  } catch {
    return [];
  }
}

/** `text` with every secret and any `scheme://user:password@` credential replaced by `****`. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/\s@]*:)[^@\s/]*@/gi, '$1****@');
  for (const s of secrets) out = out.split(s).join('****');
  return out;
}
