/**
 * Parses GROK2API_SSO_TOKENS: tokens separated by commas and/or newlines. Each is trimmed, an
 * `sso=` prefix (any case) is stripped, empties and duplicates are dropped; first occurrence order.
 */
export function parseSeedTokens(value: string | undefined): string[] {
  if (value === undefined) return [];
  const seen = new Set<string>();
  for (const part of value.split(/[,\r\n]+/)) {
    let token = part.trim();
    if (/^sso=/i.test(token)) token = token.slice(4).trim();
    if (token !== '') seen.add(token);
  }
  return [...seen];
}
