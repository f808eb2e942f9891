// What the admin settings page needs to know about every key, read from the schema and from
// config.defaults.toml itself (type, allowed values, bounds, default, the comment above the key),
// so the page can render and validate a form without a second copy of the configuration.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isSecretKey, SECTION_NAMES } from './config-keys.js';
import { findDefaultsPath } from './defaults-path.js';
import { envVarName } from './env-layer.js';
import { parseToml } from './read-toml.js';
import { configSchema } from './schema.js';
import { isTable } from './tables.js';
import { documentedKeys } from './documented-keys.js';

export type SettingType = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'string[]' | 'number[]';

export interface SettingInfo {
  /** Dotted key, e.g. `chat.reasoning`. */
  key: string;
  section: string;
  name: string;
  type: SettingType;
  /** Allowed values (type `enum`). */
  enum?: string[];
  min?: number;
  max?: number;
  /** The shipped default (config.defaults.toml). */
  default: unknown;
  /** The comment above the key in config.defaults.toml. */
  description: string;
  envVar: string;
  secret: boolean;
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return unwrap(schema.unwrap() as z.core.$ZodType);
  return schema;
}

function typeInfo(schema: z.core.$ZodType): Pick<SettingInfo, 'type' | 'enum' | 'min' | 'max'> {
  const s = unwrap(schema);
  if (s instanceof z.ZodEnum) return { type: 'enum', enum: s.options.map(String) };
  if (s instanceof z.ZodBoolean) return { type: 'boolean' };
  if (s instanceof z.ZodNumber) {
    const out: Pick<SettingInfo, 'type' | 'min' | 'max'> = { type: s.isInt ? 'integer' : 'number' };
    if (s.minValue !== null && Number.isFinite(s.minValue)) out.min = s.minValue;
    if (s.maxValue !== null && Number.isFinite(s.maxValue)) out.max = s.maxValue;
    return out;
  }
  if (s instanceof z.ZodArray) return { type: unwrap(s.element as z.core.$ZodType) instanceof z.ZodNumber ? 'number[]' : 'string[]' };
  return { type: 'string' };
}

/** `section.key` → the comment lines right above it in the defaults file. */
function commentsOf(text: string): Map<string, string> {
  return new Map(documentedKeys(text).map((d) => [d.key, d.comment]));
}

let cached: SettingInfo[] | undefined;

/** Every table key in schema order (built once per process). */
export function settingsCatalog(): SettingInfo[] {
  if (cached) return cached;
  const path = findDefaultsPath();
  const text = readFileSync(path, 'utf8');
  const defaults = parseToml(text, path);
  const comments = commentsOf(text);
  const out: SettingInfo[] = [];
  for (const section of SECTION_NAMES) {
    const table = defaults[section];
    for (const [name, schema] of Object.entries(configSchema.shape[section].shape)) {
      const key = `${section}.${name}`;
      out.push({
        key,
        section,
        name,
        ...typeInfo(schema as z.core.$ZodType),
        default: isTable(table) ? table[name] : undefined,
        description: comments.get(key) ?? '',
        envVar: envVarName(key),
        secret: isSecretKey(key),
      });
    }
  }
  cached = out;
  return out;
}
