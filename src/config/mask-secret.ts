// Secrets are masked at the edge of every output (DESIGN). The rule never shows the whole value and
// always hides at least half of it:
//   length >= 20      → first 6 + "****" + last 4   (SSO JWTs, long API keys)
//   length 8..19      → "****" + last 2
//   length 1..7       → "****"
//   empty             → ""  (nothing to hide; shows that the value is unset)

export function maskSecret(value: string): string {
  const n = value.length;
  if (n === 0) return '';
  if (n >= 20) return `${value.slice(0, 6)}****${value.slice(-4)}`;
  if (n >= 8) return `****${value.slice(-2)}`;
  return '****';
}
