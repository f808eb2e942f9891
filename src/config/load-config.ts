// Loads the configuration: config.defaults.toml → ${DATA_DIR}/config.toml → environment → overrides,
// validated by one schema, with derived values filled in.
import { resolve, join } from 'node:path';
import { allKeys } from './config-keys.js';
import { ConfigError } from './config-error.js';
import { findDefaultsPath } from './defaults-path.js';
import { readEnvLayer } from './env-layer.js';
import { formatIssues } from './format-issues.js';
import { applyLayer, draftDocument, emptyDraft, type ConfigSource, type Draft, type Layer } from './layers.js';
import { readTomlFile } from './read-toml.js';
import { resolveDerived } from './resolve-derived.js';
import { configSchema, type AppConfig } from './schema.js';
import type { Table } from './tables.js';

export type { ConfigSource } from './layers.js';

/** Recursively optional; arrays of tables become arrays of partial tables (models merge by id). */
export type DeepPartial<T> = T extends readonly (infer U)[]
  ? DeepPartial<U>[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export interface LoadConfigOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Data directory (default `DATA_DIR` from `env`, else `./data`), resolved to an absolute path. */
  dataDir?: string;
  /** Path of the defaults file (default: `config.defaults.toml` at the package root). */
  defaultsPath?: string;
  /** Applied after the environment, before validation (tests). Reported with source 'env'. */
  overrides?: DeepPartial<AppConfig>;
}

export interface LoadedConfig {
  /** Validated configuration with derived values filled in (`grok.ws_url`, URLs without trailing `/`). */
  config: AppConfig;
  /** Dotted key (`server.port`, and `models.<id>` per model) → layer its value came from. */
  sources: Record<string, ConfigSource>;
  /** Non-fatal findings: unknown keys and variables, empty variables. */
  warnings: string[];
  /** Absolute data directory. */
  dataDir: string;
}

export const OPERATOR_CONFIG_FILE = 'config.toml';

/** DATA_DIR from the environment (default `./data`), as an absolute path. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['DATA_DIR'];
  return resolve(fromEnv !== undefined && fromEnv.trim() !== '' ? fromEnv : './data');
}

export function defaultsLayer(path: string): Layer {
  return { source: 'default', labelFor: () => `defaults ${path}`, where: path };
}

export function fileLayer(path: string): Layer {
  return { source: 'file', labelFor: () => `file ${path}`, where: path };
}

const OVERRIDES_LAYER: Layer = { source: 'env', labelFor: () => 'overrides', where: 'overrides' };

/** Validates a draft; throws ConfigError listing every problem. */
export function validateDraft(draft: Draft, fallbackLabel: string): AppConfig {
  const doc = draftDocument(draft);
  const parsed = configSchema.safeParse(doc);
  const problems = [...draft.problems];
  if (!parsed.success) problems.push(...formatIssues(parsed.error.issues, doc, draft.origins, fallbackLabel));
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return resolveDerived(parsed.data);
}

export function loadConfig(opts: LoadConfigOptions = {}): LoadedConfig {
  const env = opts.env ?? process.env;
  const dataDir = opts.dataDir !== undefined ? resolve(opts.dataDir) : resolveDataDir(env);
  const defaultsPath = opts.defaultsPath ?? findDefaultsPath();
  const operatorPath = join(dataDir, OPERATOR_CONFIG_FILE);

  const draft = emptyDraft();
  const defaults = readTomlFile(defaultsPath, { optional: false }) ?? {};
  applyLayer(draft, defaults, defaultsLayer(defaultsPath));

  const operator = readTomlFile(operatorPath, { optional: true });
  if (operator !== undefined) applyLayer(draft, operator, fileLayer(operatorPath));

  const envLayer = readEnvLayer(env);
  draft.warnings.push(...envLayer.warnings);
  applyLayer(draft, envLayer.doc, envLayer.layer);

  if (opts.overrides !== undefined) applyLayer(draft, opts.overrides as Table, OVERRIDES_LAYER);

  const config = validateDraft(draft, `defaults ${defaultsPath}`);
  const statsigWarning = manualStatsigWarning(config.grok.statsig_mode, config.grok.statsig_id);
  if (statsigWarning !== undefined) draft.warnings.push(statsigWarning);

  const sources: Record<string, ConfigSource> = {};
  for (const key of allKeys()) sources[key] = draft.origins.get(key)?.source ?? 'default';
  for (const model of config.models) {
    sources[`models.${model.id}`] = draft.origins.get(`models.${model.id}`)?.source ?? 'default';
  }
  return { config, sources, warnings: draft.warnings, dataDir };
}

/**
 * A manual x-statsig-id that is base64 (the schema checks that) but does not decode to the 70 bytes
 * a browser's value has: accepted, with a warning, since the rule is an observation, not a spec.
 */
function manualStatsigWarning(mode: string, value: string): string | undefined {
  if (mode !== 'manual') return undefined;
  const bytes = Buffer.from(value.trim(), 'base64').length;
  if (bytes === 70) return undefined;
  return `grok.statsig_id decodes to ${bytes} bytes; a browser's x-statsig-id decodes to 70. Copy the whole header value from a grok.com request if calls are refused.`;
}
