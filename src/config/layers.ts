// Applies configuration layers (defaults, operator file, environment, overrides) one over the other,
// remembering for every key which layer set it. Unknown keys are warned about and dropped here, so the
// schema only ever sees known keys.
import { fieldKind, isSection, MODEL_FIELDS } from './config-keys.js';
import { cloneValue, isTable, type Table } from './tables.js';

export type ConfigSource = 'default' | 'file' | 'env';

/** Where one value came from: the public source and a label for messages ("env GROK2API_SERVER_PORT"). */
export interface Origin {
  source: ConfigSource;
  label: string;
}

export interface Layer {
  source: ConfigSource;
  /** Label of the value at a dotted key, e.g. `file /data/config.toml` or `env PORT`. */
  labelFor(dottedKey: string): string;
  /** Where the layer came from, for warnings ("in /data/config.toml"). */
  where: string;
}

/** The merged, not yet validated configuration. */
export interface Draft {
  sections: Record<string, Table>;
  models: Table[];
  /** `section.key` and `models.<id>`, `models.<id>.<field>` → origin. */
  origins: Map<string, Origin>;
  warnings: string[];
  problems: string[];
}

export function emptyDraft(): Draft {
  return { sections: {}, models: [], origins: new Map(), warnings: [], problems: [] };
}

/** The draft as one plain document (`{ server: {...}, ..., models: [...] }`) for the schema. */
export function draftDocument(draft: Draft): Table {
  return { ...cloneValue(draft.sections), models: cloneValue(draft.models) };
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isTable(value)) return 'a table';
  if (value instanceof Date) return `a date (${String(value)})`;
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  const text = json ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Applies one layer's document (TOML-shaped: sections of keys, plus `models`) over the draft. */
export function applyLayer(draft: Draft, doc: Table, layer: Layer): void {
  for (const [name, value] of Object.entries(doc)) {
    if (value === undefined) continue;
    if (name === 'models') {
      if (!Array.isArray(value)) {
        draft.problems.push(
          `models: expected a list of [[models]] tables, got ${describeValue(value)} (from ${layer.labelFor('models')})`,
        );
        continue;
      }
      mergeModels(draft, value, layer);
      continue;
    }
    if (!isSection(name)) {
      draft.warnings.push(
        isTable(value)
          ? `unknown section [${name}] in ${layer.where}; ignored`
          : `unknown key "${name}" in ${layer.where}; ignored`,
      );
      continue;
    }
    if (!isTable(value)) {
      draft.problems.push(`${name}: expected a table, got ${describeValue(value)} (from ${layer.labelFor(name)})`);
      continue;
    }
    const section = (draft.sections[name] ??= {});
    for (const [key, v] of Object.entries(value)) {
      if (v === undefined) continue;
      const dotted = `${name}.${key}`;
      if (fieldKind(dotted) === undefined) {
        draft.warnings.push(`unknown key ${dotted} in ${layer.where}; ignored`);
        continue;
      }
      section[key] = cloneValue(v);
      draft.origins.set(dotted, { source: layer.source, label: layer.labelFor(dotted) });
    }
  }
}

/** Merges `[[models]]` entries by id: known ids get the given fields, new ids are appended. */
function mergeModels(draft: Draft, entries: unknown[], layer: Layer): void {
  entries.forEach((entry, index) => {
    if (!isTable(entry)) {
      draft.problems.push(
        `models[${index}]: expected a [[models]] table, got ${describeValue(entry)} (from ${layer.labelFor('models')})`,
      );
      return;
    }
    const id = entry['id'];
    if (typeof id !== 'string' || id.trim() === '') {
      draft.problems.push(
        `models[${index}].id: expected a non-empty model id, got ${describeValue(id)} (from ${layer.labelFor('models')})`,
      );
      return;
    }
    let target = draft.models.find((m) => m['id'] === id);
    if (target === undefined) {
      target = { id };
      draft.models.push(target);
      draft.origins.set(`models.${id}`, { source: layer.source, label: layer.labelFor(`models.${id}`) });
    } else if (Object.keys(entry).some((f) => f !== 'id' && entry[f] !== undefined)) {
      // The entry as a whole now carries this layer's changes.
      draft.origins.set(`models.${id}`, { source: layer.source, label: layer.labelFor(`models.${id}`) });
    }
    for (const [field, v] of Object.entries(entry)) {
      if (field === 'id' || v === undefined) continue;
      const dotted = `models.${id}.${field}`;
      if (!MODEL_FIELDS.includes(field)) {
        draft.warnings.push(`unknown key ${dotted} in ${layer.where}; ignored`);
        continue;
      }
      target[field] = cloneValue(v);
      draft.origins.set(dotted, { source: layer.source, label: layer.labelFor(dotted) });
    }
  });
}
