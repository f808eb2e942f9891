// What keys exist and what type each has, read from the schema itself so the env parser, the
// unknown-key warnings and the schema can never disagree.
import { z } from 'zod';
import { configSchema, modelSpecSchema, type ConfigSection } from './schema.js';

/** The value type of a key, as far as parsing strings (environment variables) is concerned. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'string[]' | 'number[]';

function describe(schema: z.core.$ZodType): FieldKind {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return describe(schema.unwrap());
  }
  if (schema instanceof z.ZodNumber) return 'number';
  if (schema instanceof z.ZodBoolean) return 'boolean';
  if (schema instanceof z.ZodArray) return describe(schema.element) === 'number' ? 'number[]' : 'string[]';
  return 'string';
}

/** Table sections (everything except the `[[models]]` array), in schema order. */
export const SECTION_NAMES: readonly ConfigSection[] = Object.keys(configSchema.shape).filter(
  (k): k is ConfigSection => k !== 'models',
);

const FIELD_KINDS = new Map<string, FieldKind>();
for (const section of SECTION_NAMES) {
  for (const [key, schema] of Object.entries(configSchema.shape[section].shape)) {
    FIELD_KINDS.set(`${section}.${key}`, describe(schema));
  }
}

/** Keys of one section, e.g. `sectionKeys('server')` → ['host', 'port', ...]. */
export function sectionKeys(section: ConfigSection): string[] {
  return Object.keys(configSchema.shape[section].shape);
}

export function isSection(name: string): name is ConfigSection {
  return (SECTION_NAMES as readonly string[]).includes(name);
}

/** Kind of a dotted key (`server.port` → 'number'); undefined for unknown keys. */
export function fieldKind(dottedKey: string): FieldKind | undefined {
  return FIELD_KINDS.get(dottedKey);
}

/** Every dotted key of the table sections (`server.host`, ...). */
export function allKeys(): string[] {
  return [...FIELD_KINDS.keys()];
}

/** Fields a `[[models]]` entry may have. */
export const MODEL_FIELDS: readonly string[] = Object.keys(modelSpecSchema.shape);

/** Keys whose values are secrets: masked in error messages, and to be masked by any listing. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'app.api_keys',
  'grok.cf_clearance',
  'admin.password',
  'metrics.token',
  'storage.url',
  'proxy.urls',
  'proxy.asset_urls',
  'video.callback_secret',
]);

export function isSecretKey(dottedKey: string): boolean {
  return SECRET_KEYS.has(dottedKey);
}
