// Between a setting's value and the text in its form field, and from the API's validation error
// back to the keys it names.
import { ApiError } from '../../api/client';
import type { SettingView } from '../../api/types';

/** What the form shows: text for inputs (lists one item per line), a boolean for checkboxes. */
export type Draft = string | boolean;

export function draftOf(s: SettingView): Draft {
  // A secret is never shown: its field starts empty ("unchanged").
  if (s.secret) return '';
  if (s.type === 'boolean') return s.value === true;
  if (Array.isArray(s.value)) return s.value.map(String).join('\n');
  return s.value === null || s.value === undefined ? '' : String(s.value);
}

/** The value to send for a draft, or an error in words. `undefined` = unchanged (empty secret). */
export function valueOf(s: SettingView, draft: Draft): { value?: unknown; error?: string } {
  if (s.type === 'boolean') return { value: draft === true };
  const text = String(draft);
  if (s.secret && text === '') return {};
  switch (s.type) {
    case 'number':
    case 'integer': {
      if (text.trim() === '') return { error: 'expected a number' };
      const n = Number(text);
      if (!Number.isFinite(n)) return { error: `expected a number, got "${text}"` };
      if (s.type === 'integer' && !Number.isInteger(n)) return { error: 'expected a whole number' };
      if (s.min !== undefined && n < s.min) return { error: `expected at least ${s.min}` };
      if (s.max !== undefined && n > s.max) return { error: `expected at most ${s.max}` };
      return { value: n };
    }
    case 'string[]':
      return {
        value: text
          .split(/\n/)
          .map((x) => x.trim())
          .filter(Boolean),
      };
    case 'number[]': {
      const parts = text
        .split(/[\n,]/)
        .map((x) => x.trim())
        .filter(Boolean);
      const nums = parts.map(Number);
      const bad = parts.find((_, i) => !Number.isFinite(nums[i]));
      return bad === undefined ? { value: nums } : { error: `"${bad}" is not a number` };
    }
    default:
      return { value: text };
  }
}

/** True when the draft differs from what the setting holds now. */
export function changed(s: SettingView, draft: Draft): boolean {
  if (s.secret) return draft !== '';
  const v = valueOf(s, draft);
  if (v.error !== undefined) return true;
  return JSON.stringify(v.value) !== JSON.stringify(s.value);
}

/**
 * Errors by key from a rejected save: `param` (changes.<key>) when one key was sent, else the
 * message's "key: problem; key: problem" list.
 */
export function errorsByKey(err: ApiError, sent: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const body = err.message.replace(/^Invalid settings: /, '');
  for (const part of body.split(/; (?=[a-z_]+\.[\w.[\]-]+: )/)) {
    const m = /^([a-z_]+)\.([a-z0-9_]+)[\w.[\]-]*: (.*)$/.exec(part);
    if (m && sent.includes(`${m[1]}.${m[2]}`)) out[`${m[1]}.${m[2]}`] = m[3] ?? part;
  }
  const param = err.param?.replace(/^changes\./, '');
  if (param && Object.keys(out).length === 0) out[param] = body;
  return out;
}
