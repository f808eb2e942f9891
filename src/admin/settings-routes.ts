// GET/POST /api/settings. GET lists every key with its live value (secrets masked), where it came
// from, its type from the schema, and whether the page may change it (environment-set keys are
// read-only). POST validates the changes, writes them to DATA_DIR/config.toml (atomically, through
// saveOperatorConfig) and reloads the configuration: the next request runs with it. Keys whose
// consumers are built once at start (listening socket, upstream client, storage) are saved too and
// reported in `restartRequired`.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ConfigError, isSecretKey, maskSecret, OPERATOR_CONFIG_FILE, saveOperatorConfig, settingsCatalog, type AppConfig, type SettingInfo } from '../config/index.js';
import { adminError, badRequest, parseWith } from './admin-errors.js';
import type { AdminDeps } from './admin-deps.js';

/**
 * Keys read on every request (or every use), so a change applies at once. Every other key is
 * saved but needs a restart. Keep in step with app/create-gateway.ts / services that read `config()` live.
 */
export const LIVE_KEYS: ReadonlySet<string> = new Set([
  'server.shutdown_timeout',
  'server.cors_origins',
  'server.max_connections_per_ip',
  'app.app_url',
  'app.api_keys',
  'grok.temporary',
  'grok.disable_memory',
  'grok.custom_personality',
  'grok.chat_transport',
  'chat.stream_idle_timeout',
  'chat.request_timeout',
  'chat.heartbeat_interval',
  'chat.reasoning',
  'chat.show_search_sources',
  'log.level',
  'log.requests',
  'metrics.enabled',
  'metrics.token',
  'admin.username',
  'admin.session_ttl',
  'calllog.flush_interval',
  'calllog.max_entries',
  'accounts.max_inflight',
  'accounts.invalid_after',
  'accounts.prefer_higher_tier',
  'accounts.default_tier',
  'accounts.sync_on_import',
  'retry.max_attempts',
  'retry.statuses',
  'retry.backoff_base',
  'retry.backoff_factor',
  'retry.backoff_max',
  'retry.budget',
  'models',
]);

/** Keys the settings page may not write (they have their own endpoint). */
const NOT_HERE: Record<string, string> = {
  'admin.password': 'Change the admin password with POST /api/password',
};

export interface SettingView extends SettingInfo {
  value: unknown;
  source: 'default' | 'file' | 'env';
  /** Set by an environment variable: shown, not editable here. */
  readOnly: boolean;
  /** A secret with a non-empty value (the value shown is masked). */
  isSet?: boolean;
  applies: 'live' | 'restart';
}

function valueOf(config: AppConfig, info: SettingInfo): unknown {
  const section = (config as unknown as Record<string, Record<string, unknown>>)[info.section];
  return section?.[info.name];
}

function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskSecret(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? maskSecret(v) : v));
  return value;
}

function isEmptySecret(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0);
}

export function settingsView(deps: AdminDeps): { settings: SettingView[]; models: Array<AppConfig['models'][number] & { source: string }> } {
  const config = deps.settings.config();
  const sources = deps.settings.sources();
  const settings = settingsCatalog().map((info): SettingView => {
    const raw = valueOf(config, info);
    const source = sources[info.key] ?? 'default';
    const view: SettingView = {
      ...info,
      default: info.secret ? masked(info.default) : info.default,
      value: info.secret ? masked(raw) : raw,
      source,
      readOnly: source === 'env' || info.key in NOT_HERE,
      applies: LIVE_KEYS.has(info.key) ? 'live' : 'restart',
    };
    if (info.secret) view.isSet = !isEmptySecret(raw);
    return view;
  });
  const models = config.models.map((m) => ({ ...m, source: sources[`models.${m.id}`] ?? 'default' }));
  return { settings, models };
}

const changesBody = z.object({
  changes: z.record(z.string().min(1).max(200), z.unknown()).refine((c) => Object.keys(c).length > 0, { error: 'expected at least one change' }),
});

/** Equal as JSON (settings values are plain data). */
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Writes the patch and reloads. saveOperatorConfig validates defaults + file; the reload adds the
 * environment, which could still reject the result: then the previous config.toml is put back so
 * the next start is not broken either.
 */
function saveAndReload(deps: AdminDeps, patch: Record<string, unknown>): void {
  const file = join(deps.settings.dataDir, OPERATOR_CONFIG_FILE);
  const previous = existsSync(file) ? readFileSync(file) : undefined;
  saveOperatorConfig(deps.settings.dataDir, patch);
  try {
    deps.settings.reload();
  } catch (err) {
    if (previous === undefined) rmSync(file, { force: true });
    else {
      const tmp = `${file}.restore-${process.pid}`;
      writeFileSync(tmp, previous, { mode: 0o600 });
      renameSync(tmp, file);
    }
    throw err;
  }
}

export function registerSettingsRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/settings', async () => settingsView(deps));

  app.post('/settings', async (request: FastifyRequest) => {
    const body = parseWith(changesBody, request.body, 'request body');
    const catalog = new Map(settingsCatalog().map((s) => [s.key, s]));
    const sources = deps.settings.sources();
    const config = deps.settings.config();
    const patch: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(body.changes)) {
      if (key === 'models') {
        if (!Array.isArray(value)) throw badRequest('models: expected a list of model tables (merged by id)', 'changes.models');
        patch[key] = value;
        continue;
      }
      const info = catalog.get(key);
      if (!info) throw badRequest(`Unknown setting "${key}"`, `changes.${key}`, 'unknown_setting');
      const notHere = NOT_HERE[key];
      if (notHere !== undefined) throw badRequest(notHere, `changes.${key}`, 'not_editable_here');
      if (sources[key] === 'env') {
        throw adminError(409, `"${key}" is set by the environment (${info.envVar}) and cannot be changed here; change or remove the variable and restart`, 'setting_read_only', {
          param: `changes.${key}`,
        });
      }
      // A secret sent back exactly as shown (masked) is "unchanged", not a new value.
      if (isSecretKey(key) && value !== null && same(value, masked(valueOf(config, info)))) continue;
      patch[key] = value;
    }
    const keys = Object.keys(patch);
    if (keys.length > 0) {
      try {
        saveAndReload(deps, patch);
      } catch (err) {
        if (err instanceof ConfigError) {
          const first = keys.length === 1 ? `changes.${keys[0]}` : null;
          throw adminError(400, `Invalid settings: ${err.problems.join('; ')}`, 'invalid_setting', { param: first });
        }
        throw err;
      }
      deps.logger.info({ keys, user: request.adminAuth?.session.user }, 'admin: settings changed');
    }
    return {
      ok: true,
      applied: keys.filter((k) => LIVE_KEYS.has(k)),
      restartRequired: keys.filter((k) => !LIVE_KEYS.has(k)),
      ...settingsView(deps),
    };
  });
}
