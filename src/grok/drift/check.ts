// Compares one parsed upstream message with its description (spec.ts) and reports what differs.
// Only called for sampled messages, so it may allocate; it still stops early (bounded depth, a few
// array items, a few findings) so a huge or hostile message cannot make it expensive.
import { jsonType, type FieldSpec, type JsonType, type ShapeSpec } from './spec.js';

export const DRIFT_KINDS = [
  'unknown-event',
  'unknown-field',
  'missing-field',
  'renamed-field',
  'type-changed',
  'unknown-error-code',
  'html-body',
  'handshake-status',
  'empty-answer',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface DriftFinding {
  kind: DriftKind;
  /** Where: `<source> <message type>.<field path>`, array items as `[]`. */
  path: string;
  /** The JSON type (or value, for codes and statuses) met there. */
  type: string;
}

const MAX_DEPTH = 8;
const MAX_ITEMS = 4;
const MAX_FINDINGS = 8;

type Obj = Record<string, unknown>;

function typeOk(spec: FieldSpec, t: JsonType): boolean {
  // An integer-or-float distinction is not drift; JSON has one number type.
  return spec.types.includes(t);
}

/** Findings for an object against a shape; `path` names the object itself. */
export function checkShape(value: Obj, spec: ShapeSpec, path: string, out: DriftFinding[] = [], depth = 0): DriftFinding[] {
  if (depth > MAX_DEPTH) return out;
  const fields = spec.fields;
  let missing: string | undefined;
  let missingCount = 0;
  for (const key in fields) {
    const f = fields[key] as FieldSpec;
    if (f.presence === 'required' && value[key] === undefined) {
      missingCount++;
      missing ??= key;
    }
  }
  let unknown: string | undefined;
  let unknownCount = 0;
  for (const key in value) {
    if (out.length >= MAX_FINDINGS) return out;
    const f = Object.hasOwn(fields, key) ? fields[key] : undefined;
    const v = value[key];
    if (f === undefined) {
      if (!spec.open || missingCount > 0) {
        unknownCount++;
        unknown ??= key;
      }
      continue;
    }
    if (f.presence === 'ignored' || v === undefined) continue;
    checkValue(v, f, `${path}.${key}`, out, depth + 1);
  }
  // One required field gone and one new key beside it: a rename, reported once as such.
  if (missingCount === 1 && unknownCount === 1 && missing !== undefined && unknown !== undefined) {
    push(out, { kind: 'renamed-field', path: `${path}.${missing}`, type: `${unknown.slice(0, 40)}:${jsonType(value[unknown])}` });
    return out;
  }
  if (missing !== undefined) {
    for (const key in fields) if ((fields[key] as FieldSpec).presence === 'required' && value[key] === undefined) push(out, { kind: 'missing-field', path: `${path}.${key}`, type: 'undefined' });
  }
  if (unknown !== undefined && !spec.open) {
    for (const key in value) if (!Object.hasOwn(fields, key)) push(out, { kind: 'unknown-field', path: `${path}.${key.slice(0, 60)}`, type: jsonType(value[key]) });
  }
  return out;
}

function checkValue(v: unknown, f: FieldSpec, path: string, out: DriftFinding[], depth: number): void {
  const t = jsonType(v);
  if (!typeOk(f, t)) {
    push(out, { kind: 'type-changed', path, type: t });
    return;
  }
  if (!f.shape) return;
  if (t === 'object') checkShape(v as Obj, f.shape, path, out, depth);
  else if (t === 'array') {
    const items = v as unknown[];
    for (let i = 0; i < items.length && i < MAX_ITEMS; i++) {
      const it = items[i];
      const it_t = jsonType(it);
      if (it_t === 'object') checkShape(it as Obj, f.shape, `${path}[]`, out, depth + 1);
      else push(out, { kind: 'type-changed', path: `${path}[]`, type: it_t });
    }
  }
}

function push(out: DriftFinding[], f: DriftFinding): void {
  if (out.length >= MAX_FINDINGS) return;
  // The same finding in several array items counts once per message.
  for (const o of out) if (o.kind === f.kind && o.path === f.path && o.type === f.type) return;
  out.push(f);
}

/** A body that is an HTML page (a Cloudflare interstitial, an error page) rather than JSON. */
export function looksLikeHtml(text: string): boolean {
  const head = text.trimStart().slice(0, 64).toLowerCase();
  return head.startsWith('<!doctype html') || head.startsWith('<html') || head.startsWith('<head') || head.startsWith('<body');
}
