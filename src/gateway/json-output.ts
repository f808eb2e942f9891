// Structured output for a model that only writes text: `response_format` becomes instructions in
// the prompt (with the schema), and the answer is extracted (code fences and chatter around the
// JSON stripped), parsed and validated with ajv. The caller retries once with the correction this
// module writes, and fails the call with invalid_model_output when the retry is wrong too.
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { JsonOutputSpec } from './output-controls.js';
import { jsonObjectEnd } from './json-object-end.js';
import { CORRECTION_MARKER } from './tool-prompt.js';

/** First line of the JSON section; the simulator and tests recognise the section by it. */
export const JSON_SECTION_HEADER = 'Answer with JSON only.';
export const JSON_SCHEMA_OPEN = '<json_schema>';
export const JSON_SCHEMA_CLOSE = '</json_schema>';

/** The [system] section text (without the label; flattening adds it). */
export function jsonInstructions(spec: JsonOutputSpec): string {
  const lines = [JSON_SECTION_HEADER];
  if (spec.kind === 'json_object') {
    lines.push('Your whole answer must be one valid JSON object: no prose before or after it, no code fences, no comments.');
  } else {
    lines.push(
      'Your whole answer must be one JSON value that is valid against the JSON Schema below: no prose before or after it, no code fences, no comments.',
      `Schema name: ${spec.name}`,
    );
    if (spec.description) lines.push(`Description: ${spec.description}`);
    if (spec.strict) lines.push('Follow the schema strictly: every required property, no additional properties, exact types and enum values.');
    lines.push(JSON_SCHEMA_OPEN, JSON.stringify(spec.schema), JSON_SCHEMA_CLOSE);
  }
  return lines.join('\n');
}

const DRAFT_07_RE = /draft-0[467]/;
// Unknown keywords and formats are not errors: SDKs add their own (`strict`, titles, custom formats).
const AJV_OPTIONS = { strict: false, allErrors: true, validateFormats: false } as const;
let ajv07: Ajv | undefined;
let ajv2020: Ajv2020 | undefined;
/** Compiled validators by dialect + schema text: agents send the same schema on every call. */
const compiled = new Map<string, { validate: JsonValidator; schema: object; ajv: Ajv | Ajv2020 }>();
const MAX_COMPILED = 256;

/**
 * Compiles the schema (a bad schema is the client's error: the message names it). `$schema` picks
 * the dialect: draft-04/06/07 → Ajv's default, anything else → 2020-12. A top-level `$id` is
 * dropped so two clients' schemas with the same id cannot collide in the shared Ajv instance.
 */
export function compileJsonSpec(spec: JsonOutputSpec): { ok: true; validate: JsonValidator } | { ok: false; error: string } {
  if (spec.kind === 'json_object') return { ok: true, validate: objectOnly };
  const { $schema, $id: _id, ...schema } = spec.schema;
  const draft07 = typeof $schema === 'string' && DRAFT_07_RE.test($schema);
  const key = `${draft07 ? '7' : '2020'}:${JSON.stringify(schema)}`;
  const hit = compiled.get(key);
  if (hit) return { ok: true, validate: hit.validate };
  const ajv = draft07 ? (ajv07 ??= new Ajv(AJV_OPTIONS)) : (ajv2020 ??= new Ajv2020(AJV_OPTIONS));
  let fn: ValidateFunction;
  try {
    fn = ajv.compile(schema);
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  const validate: JsonValidator = (value) => {
    if (fn(value)) return undefined;
    return ajv.errorsText(fn.errors, { dataVar: 'answer', separator: '; ' });
  };
  if (compiled.size >= MAX_COMPILED) {
    const [oldestKey, oldest] = compiled.entries().next().value ?? [];
    if (oldestKey !== undefined && oldest) {
      compiled.delete(oldestKey);
      // Ajv keeps every compiled schema; without this, distinct schemas would pile up forever.
      oldest.ajv.removeSchema(oldest.schema);
    }
  }
  compiled.set(key, { validate, schema, ajv });
  return { ok: true, validate };
}

/** undefined when the value is acceptable, else what is wrong with it. */
export type JsonValidator = (value: unknown) => string | undefined;

const objectOnly: JsonValidator = (v) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'the answer is not a JSON object';

export type JsonExtraction = { ok: true; json: string; value: unknown } | { ok: false; error: string };

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/**
 * The JSON in an answer: the whole answer, else the inside of a code fence, else the first
 * balanced object or array in the text. `json` is the answer's own JSON text, trimmed (what the
 * client gets as content: exactly the model's JSON, no chatter).
 */
export function extractJson(answer: string): JsonExtraction {
  const whole = answer.trim();
  if (whole === '') return { ok: false, error: 'the answer is empty' };
  const direct = tryParse(whole);
  if (direct) return { ok: true, json: whole, value: direct.value };
  const fence = /```[A-Za-z0-9_+-]*\s*\n?([\s\S]*?)```/.exec(answer);
  if (fence) {
    const inner = (fence[1] ?? '').trim();
    const p = tryParse(inner);
    if (p) return { ok: true, json: inner, value: p.value };
  }
  for (let i = 0; i < answer.length; i++) {
    const c = answer[i];
    if (c !== '{' && c !== '[') continue;
    const end = jsonObjectEnd(answer, i);
    if (end === -1) break;
    const candidate = answer.slice(i, end);
    const p = tryParse(candidate);
    if (p) return { ok: true, json: candidate, value: p.value };
  }
  return { ok: false, error: 'the answer contains no parseable JSON' };
}

export type JsonVerdict = { ok: true; json: string } | { ok: false; error: string };

export function checkJsonAnswer(answer: string, validate: JsonValidator): JsonVerdict {
  const ex = extractJson(answer);
  if (!ex.ok) return ex;
  const problem = validate(ex.value);
  return problem === undefined ? { ok: true, json: ex.json } : { ok: false, error: problem };
}

/** The turn appended for the corrective retry. */
export function jsonCorrection(spec: JsonOutputSpec, problem: string): string {
  const what = spec.kind === 'json_object' ? 'one JSON object' : 'one JSON value valid against the schema given above';
  return `${CORRECTION_MARKER} your previous answer was not valid (${problem}). Answer again with only ${what}: no prose, no code fences.`;
}
