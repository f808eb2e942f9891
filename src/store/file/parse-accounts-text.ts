// Parses accounts.json. The store writes one record per line between a fixed header and footer,
// so the fast path parses each line on its own and keeps the line as the record's JSON (no
// re-serialisation at start-up). Any other layout (hand-edited, pretty-printed, a bare array) takes
// the slow path: one JSON.parse of the whole text.

export const ACCOUNTS_HEADER = '{"version":1,"accounts":[';
export const ACCOUNTS_FOOTER = ']}';

export interface AccountsItem {
  value: unknown;
  /** The item's JSON text as found in the file (fast path only). */
  json: string | undefined;
}

export type ParsedAccountsText =
  | { kind: 'ok'; items: AccountsItem[] }
  | { kind: 'corrupt'; error: string }
  | { kind: 'unknown-shape' };

export function parseAccountsText(text: string): ParsedAccountsText {
  return parseLines(text) ?? parseWhole(text);
}

function parseLines(text: string): ParsedAccountsText | undefined {
  const lines = text.split('\n');
  if (lines[0] !== ACCOUNTS_HEADER) return undefined;
  let end = lines.length;
  while (end > 1 && lines[end - 1] === '') end--;
  if (lines[end - 1] !== ACCOUNTS_FOOTER) return undefined;
  const items: AccountsItem[] = [];
  for (let i = 1; i < end - 1; i++) {
    const raw = lines[i]!;
    const json = i < end - 2 ? (raw.endsWith(',') ? raw.slice(0, -1) : undefined) : raw;
    if (json === undefined || json.length === 0) return undefined;
    try {
      items.push({ value: JSON.parse(json) as unknown, json });
    } catch {
      return undefined; // let the whole-text parse decide (and report) what is wrong
    }
  }
  return { kind: 'ok', items };
}

function parseWhole(text: string): ParsedAccountsText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'corrupt', error: err instanceof Error ? err.message : String(err) };
  }
  let list: unknown;
  if (Array.isArray(value)) list = value;
  else if (typeof value === 'object' && value !== null) list = (value as { accounts?: unknown }).accounts;
  if (!Array.isArray(list)) return { kind: 'unknown-shape' };
  return { kind: 'ok', items: (list as unknown[]).map((v) => ({ value: v, json: undefined })) };
}
