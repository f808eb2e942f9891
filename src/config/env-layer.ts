// Environment variables as a configuration layer: GROK2API_<SECTION>_<KEY>, plus the conventional
// PORT, HOST, STORAGE_MODE and STORAGE_URL. Values are coerced from strings by the key's schema type;
// a value that does not coerce is passed through unchanged so the schema reports it with its source.
import { fieldKind, isSection, type FieldKind } from './config-keys.js';
import type { Layer } from './layers.js';
import type { Table } from './tables.js';

export const ENV_PREFIX = 'GROK2API_';
/** Variables with the prefix that are read elsewhere, not config keys. */
const NON_CONFIG_VARS = new Set(['GROK2API_SSO_TOKENS']);
/** Conventional names, used only when the GROK2API_ form of the same key is not set. */
const ALIASES: ReadonlyArray<readonly [string, string]> = [
  ['PORT', 'server.port'],
  ['HOST', 'server.host'],
  ['STORAGE_MODE', 'storage.mode'],
  ['STORAGE_URL', 'storage.url'],
];

/** The environment variable for a dotted key: `server.port` → `GROK2API_SERVER_PORT`. */
export function envVarName(dottedKey: string): string {
  return ENV_PREFIX + dottedKey.replace('.', '_').toUpperCase();
}

const TRUE_WORDS = new Set(['true', '1', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', '0', 'no', 'off']);
const NUMBER_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

function coerceNumber(raw: string): number | string {
  const t = raw.trim();
  return NUMBER_RE.test(t) ? Number(t) : raw;
}

function splitList(raw: string): unknown[] {
  const t = raw.trim();
  if (t.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(t);
      if (Array.isArray(parsed)) return parsed;
    } catch {
      // not JSON: fall through to the comma form
    }
  }
  return t
    .split(/[,\r\n]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

type Coerced = { ok: true; value: unknown } | { ok: false };

/** Coerces an environment string; `{ ok: false }` means "empty, treat as unset". */
export function coerceEnvValue(kind: FieldKind, raw: string): Coerced {
  switch (kind) {
    case 'string':
      return { ok: true, value: raw };
    case 'number':
      return raw.trim() === '' ? { ok: false } : { ok: true, value: coerceNumber(raw) };
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t === '') return { ok: false };
      if (TRUE_WORDS.has(t)) return { ok: true, value: true };
      if (FALSE_WORDS.has(t)) return { ok: true, value: false };
      return { ok: true, value: raw };
    }
    case 'string[]':
      return { ok: true, value: splitList(raw) };
    case 'number[]':
      return {
        ok: true,
        value: splitList(raw).map((v) => (typeof v === 'string' ? coerceNumber(v) : v)),
      };
  }
}

export interface EnvLayer {
  doc: Table;
  layer: Layer;
  warnings: string[];
}

/** Reads the configuration variables of `env` into a TOML-shaped document. */
export function readEnvLayer(env: NodeJS.ProcessEnv): EnvLayer {
  const doc: Record<string, Table> = {};
  const names = new Map<string, string>();
  const warnings: string[] = [];

  const set = (dotted: string, varName: string, raw: string, quietIfEmpty: boolean): void => {
    const kind = fieldKind(dotted);
    if (kind === undefined) return;
    // docker compose passes `VAR=` for every unset variable of .env: empty means "not set", so the
    // file or default value stands (an empty User-Agent or URL would only break things).
    if (raw.trim() === '') return;
    const coerced = coerceEnvValue(kind, raw);
    if (!coerced.ok) {
      if (!quietIfEmpty) warnings.push(`environment variable ${varName} is empty; ignored`);
      return;
    }
    const [section = '', key = ''] = dotted.split('.');
    (doc[section] ??= {})[key] = coerced.value;
    names.set(dotted, varName);
  };

  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (raw === undefined || !name.startsWith(ENV_PREFIX) || NON_CONFIG_VARS.has(name)) continue;
    const dotted = dottedKeyOf(name.slice(ENV_PREFIX.length));
    if (dotted === undefined) {
      warnings.push(`unknown environment variable ${name} (it matches no configuration key); ignored`);
      continue;
    }
    set(dotted, name, raw, false);
  }
  for (const [name, dotted] of ALIASES) {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '' || env[envVarName(dotted)] !== undefined) continue;
    set(dotted, name, raw, true);
  }

  const layer: Layer = {
    source: 'env',
    labelFor: (dotted) => `env ${names.get(dotted) ?? envVarName(dotted)}`,
    where: 'the environment',
  };
  return { doc, layer, warnings };
}

/** `SERVER_BODY_LIMIT_MB` → `server.body_limit_mb` if that key exists. Section names have no `_`. */
function dottedKeyOf(rest: string): string | undefined {
  const cut = rest.indexOf('_');
  if (cut <= 0) return undefined;
  const section = rest.slice(0, cut).toLowerCase();
  const key = rest.slice(cut + 1).toLowerCase();
  if (!isSection(section)) return undefined;
  const dotted = `${section}.${key}`;
  return fieldKind(dotted) === undefined ? undefined : dotted;
}
