// Writes settings into ${DATA_DIR}/config.toml (the admin settings page), merging into what is there.
// The file is replaced atomically: temp file in the same directory, fsync, rename, fsync of the
// directory. A crash leaves either the old or the new file, never half of one.
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'smol-toml';
import { fieldKind, isSection, MODEL_FIELDS, SECTION_NAMES } from './config-keys.js';
import { ConfigError } from './config-error.js';
import { findDefaultsPath } from './defaults-path.js';
import { applyLayer, emptyDraft } from './layers.js';
import { defaultsLayer, fileLayer, OPERATOR_CONFIG_FILE, validateDraft } from './load-config.js';
import { readTomlFile } from './read-toml.js';
import { cloneValue, isTable, type Table } from './tables.js';

const HEADER =
  '# grok2api-ts operator configuration: overrides config.defaults.toml (every key is documented there).\n' +
  '# Environment variables GROK2API_<SECTION>_<KEY> override this file.\n' +
  '# The admin console rewrites this file when settings are saved; comments are not kept.\n\n';

/** `{ 'chat.reasoning': 'hidden' }` → `{ chat: { reasoning: 'hidden' } }`; nested tables pass through. */
function expandDotted(patch: Record<string, unknown>): Table {
  const out: Table = {};
  for (const [name, value] of Object.entries(patch)) {
    const dot = name.indexOf('.');
    if (dot < 0) {
      const prev = out[name];
      out[name] = isTable(prev) && isTable(value) ? { ...prev, ...value } : value;
      continue;
    }
    const section = name.slice(0, dot);
    const prev = out[section];
    const table: Table = isTable(prev) ? prev : {};
    table[name.slice(dot + 1)] = value;
    out[section] = table;
  }
  return out;
}

/** Patch keys must be known configuration keys: the settings page may only write what the schema reads. */
function checkPatchKeys(patch: Table): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(patch)) {
    if (name === 'models') {
      if (value === null || value === undefined) continue;
      if (!Array.isArray(value)) {
        problems.push('models: expected a list of model tables');
        continue;
      }
      value.forEach((entry: unknown, i) => {
        if (!isTable(entry) || typeof entry['id'] !== 'string' || entry['id'] === '') {
          problems.push(`models[${i}]: expected a table with a non-empty id`);
          return;
        }
        for (const field of Object.keys(entry)) {
          if (!MODEL_FIELDS.includes(field)) problems.push(`models.${entry['id']}.${field}: unknown key`);
        }
      });
      continue;
    }
    if (!isSection(name)) {
      problems.push(`${name}: unknown section`);
      continue;
    }
    if (value === null || value === undefined) continue;
    if (!isTable(value)) {
      problems.push(`${name}: expected a table of settings`);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (fieldKind(`${name}.${key}`) === undefined) problems.push(`${name}.${key}: unknown key`);
    }
  }
  return problems;
}

/** Merges `patch` into `current`. `null`/`undefined` delete (the default applies again). */
export function mergeOperatorDocument(current: Table, patch: Table): Table {
  const out = cloneValue(current);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null || value === undefined) {
      delete out[name];
      continue;
    }
    if (name === 'models' && Array.isArray(value)) {
      const models: unknown[] = Array.isArray(out['models']) ? (out['models'] as unknown[]) : [];
      for (const entry of value) {
        if (!isTable(entry)) continue;
        let target = models.find((m): m is Table => isTable(m) && m['id'] === entry['id']);
        if (target === undefined) {
          target = { id: entry['id'] };
          models.push(target);
        }
        for (const [field, v] of Object.entries(entry)) {
          if (v === null || v === undefined) delete target[field];
          else target[field] = cloneValue(v);
        }
      }
      out['models'] = models;
      continue;
    }
    if (isTable(value)) {
      const prev = out[name];
      const section: Table = isTable(prev) ? prev : {};
      for (const [key, v] of Object.entries(value)) {
        if (v === null || v === undefined) delete section[key];
        else section[key] = cloneValue(v);
      }
      if (Object.keys(section).length === 0) delete out[name];
      else out[name] = section;
      continue;
    }
    out[name] = cloneValue(value);
  }
  return out;
}

/** Known sections in schema order, then anything else the operator had, then `[[models]]` last. */
function ordered(doc: Table): Table {
  const out: Table = {};
  for (const name of SECTION_NAMES) if (doc[name] !== undefined) out[name] = doc[name];
  for (const [name, value] of Object.entries(doc)) if (!(name in out) && name !== 'models') out[name] = value;
  if (Array.isArray(doc['models']) && doc['models'].length > 0) out['models'] = doc['models'];
  return out;
}

/** Writes `text` to `file` atomically (temp file + fsync + rename), mode 0600 (it may hold secrets). */
export function writeFileAtomic(file: string, dir: string, text: string): void {
  const tmp = join(dir, `.${OPERATOR_CONFIG_FILE}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Directory fsync is not supported everywhere (e.g. Windows); the rename itself is atomic.
  }
}

/**
 * Merges `patch` into `${dataDir}/config.toml` and writes it atomically.
 * `patch` holds sections of keys (`{ chat: { reasoning: 'hidden' } }`) or dotted keys
 * (`{ 'chat.reasoning': 'hidden' }`); `models` entries merge by id. A `null` value deletes the key
 * from the file so the default applies again. Throws ConfigError, writing nothing, when the patch
 * names an unknown key or the result would not load (checked against the shipped defaults).
 */
export function saveOperatorConfig(dataDir: string, patch: Record<string, unknown>): void {
  const file = join(dataDir, OPERATOR_CONFIG_FILE);
  const expanded = expandDotted(patch);
  const keyProblems = checkPatchKeys(expanded);
  if (keyProblems.length > 0) throw new ConfigError(keyProblems);

  const current = readTomlFile(file, { optional: true }) ?? {};
  const next = ordered(mergeOperatorDocument(current, expanded));

  const defaultsPath = findDefaultsPath();
  const draft = emptyDraft();
  applyLayer(draft, readTomlFile(defaultsPath, { optional: false }) ?? {}, defaultsLayer(defaultsPath));
  applyLayer(draft, next, fileLayer(file));
  validateDraft(draft, `defaults ${defaultsPath}`);

  let text: string;
  try {
    text = HEADER + stringify(next) + '\n';
  } catch (err) {
    throw new ConfigError([`${file}: cannot write the settings as TOML (${err instanceof Error ? err.message : String(err)})`]);
  }
  // Owner only, like everything else in the data directory (it holds secrets).
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  writeFileAtomic(file, dataDir, text);
}
