// Per-key usage as the admin API shows it: totals, today, per model, per day; and CSV export.
import type { UsageRow } from '../store/index.js';

export interface UsageTotals {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
}

const zero = (): UsageTotals => ({ requests: 0, errors: 0, tokensIn: 0, tokensOut: 0 });

function add(t: UsageTotals, r: UsageRow): void {
  t.requests += r.requests;
  t.errors += r.errors;
  t.tokensIn += r.tokensIn;
  t.tokensOut += r.tokensOut;
}

export interface UsageSummary {
  total: UsageTotals;
  today: UsageTotals;
  byModel: Record<string, UsageTotals>;
  /** Oldest day first (the console draws its sparkline from this). */
  byDay: Array<UsageTotals & { day: string }>;
}

export function summarizeUsage(rows: readonly UsageRow[], today: string): UsageSummary {
  const total = zero();
  const todayT = zero();
  const byModel: Record<string, UsageTotals> = {};
  const days = new Map<string, UsageTotals & { day: string }>();
  for (const r of rows) {
    add(total, r);
    if (r.day === today) add(todayT, r);
    add((byModel[r.model || '(none)'] ??= zero()), r);
    let d = days.get(r.day);
    if (!d) {
      d = { day: r.day, ...zero() };
      days.set(r.day, d);
    }
    add(d, r);
  }
  return { total, today: todayT, byModel, byDay: [...days.values()].sort((a, b) => (a.day < b.day ? -1 : 1)) };
}

/** RFC 4180 field: quoted when needed; a leading =+-@ is defused so spreadsheets do not run it. */
function csvField(v: string | number): string {
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function usageCsv(rows: ReadonlyArray<UsageRow & { keyId: string; keyName: string }>): string {
  const lines = ['key_id,key_name,day,model,requests,errors,tokens_in,tokens_out'];
  for (const r of rows) lines.push([r.keyId, r.keyName, r.day, r.model, r.requests, r.errors, r.tokensIn, r.tokensOut].map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
