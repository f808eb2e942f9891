// Composition root: config → services → Fastify app. main.ts and the tests both use this, so a
// test runs exactly the wiring that production runs, only with other config values.
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { AccountService, accountIdFor, parseTokenLines } from './accounts/index.js';
import { importLegacyTokenFile } from './accounts/legacy-import.js';
import { buildModelRegistry, loadConfig, parseSeedTokens, type AppConfig, type LoadedConfig } from './config/index.js';
import { ChatService, type ChatSettings } from './gateway/chat-service.js';
import { GrokClient } from './grok/index.js';
import { buildServer, type AppServices } from './server.js';
import { createStore, type Store } from './store/index.js';

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  overrides?: Parameters<typeof loadConfig>[0] extends infer O ? (O extends { overrides?: infer V } ? V : never) : never;
  logger?: Logger;
}

export interface Gateway {
  app: FastifyInstance;
  loaded: LoadedConfig;
  services: AppServices;
  accounts: AccountService;
  store: Store;
  close(): Promise<void>;
}

export function chatSettingsFrom(c: AppConfig): ChatSettings {
  return {
    idleTimeoutMs: c.chat.stream_idle_timeout * 1000,
    requestTimeoutMs: c.chat.request_timeout * 1000,
    temporary: c.grok.temporary,
    disableMemory: c.grok.disable_memory,
    customPersonality: c.grok.custom_personality,
    showSearchSources: c.chat.show_search_sources,
    retry: {
      maxAttempts: c.retry.max_attempts,
      statuses: c.retry.statuses,
      backoffBaseMs: c.retry.backoff_base * 1000,
      backoffFactor: c.retry.backoff_factor,
      backoffMaxMs: c.retry.backoff_max * 1000,
      budgetMs: c.retry.budget * 1000,
    },
  };
}

export async function createGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const env = opts.env ?? process.env;
  const loaded = loadConfig({ env, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  const config = loaded.config;
  const logger =
    opts.logger ??
    pino(
      {
        level: config.log.level,
        // Belt and braces: even if a secret-bearing object is logged by mistake, these never print.
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'headers.cookie'], censor: '[redacted]' },
      },
      // Buffered: one write syscall per 4 KB of log lines instead of one per line (flushed at exit).
      pino.destination({ dest: 1, sync: false, minLength: 4096 }),
    );
  for (const w of loaded.warnings) logger.warn(w);
  if (config.app.api_keys.length === 0) {
    logger.warn('app.api_keys is empty: /v1 is open to anyone who can reach this port. Set GROK2API_APP_API_KEYS.');
  }

  const client = new GrokClient({
    endpoints: { baseUrl: config.grok.base_url, assetsUrl: config.grok.assets_url, wsUrl: config.grok.ws_url },
    userAgent: config.grok.user_agent,
    acceptLanguage: config.grok.accept_language,
    ...(config.grok.cf_clearance ? { cfClearance: config.grok.cf_clearance } : {}),
    connectTimeoutMs: config.chat.connect_timeout * 1000,
    headersTimeoutMs: config.chat.request_timeout * 1000,
  });
  const store = await createStore({ mode: config.storage.mode, url: config.storage.url, keyPrefix: config.storage.key_prefix, dataDir: loaded.dataDir, logger });
  const accounts = await AccountService.create({
    store,
    client,
    logger,
    settings: () => {
      const a = loaded.config.accounts;
      return {
        maxInflight: a.max_inflight,
        invalidAfter: a.invalid_after,
        preferHigherTier: a.prefer_higher_tier,
        defaultTier: a.default_tier,
        syncOnImport: a.sync_on_import,
        syncIntervalBasicMs: a.sync_interval_basic * 1000,
        syncIntervalSuperMs: a.sync_interval_super * 1000,
        syncConcurrency: a.sync_concurrency,
        flushMs: a.flush_interval * 1000,
        pollMs: a.poll_interval * 1000,
      };
    },
  });
  // Seeding is idempotent: a token already in the store (from an earlier start) is left as it is.
  const seeded = parseTokenLines(parseSeedTokens(env.GROK2API_SSO_TOKENS).join('\n'));
  const fresh = seeded.entries.filter((e) => !accounts.pool.get(accountIdFor(e.token)));
  if (fresh.length > 0) logger.info({ added: accounts.addEntries(fresh).added }, 'seeded accounts from GROK2API_SSO_TOKENS');
  await importLegacyTokenFile(loaded.dataDir, accounts, store, logger);
  let registry = buildModelRegistry(config.models);
  let registryFor = config.models;
  const current = (): AppConfig => loaded.config;
  const services: AppServices = {
    config: current,
    models: () => {
      // Rebuilt only when the models list object changes (live settings edits replace it).
      if (loaded.config.models !== registryFor) {
        registryFor = loaded.config.models;
        registry = buildModelRegistry(registryFor);
      }
      return registry;
    },
    accounts,
    chat: new ChatService({
      client,
      accounts,
      settings: () => chatSettingsFrom(current()),
      onRetry: (r) => logger.warn({ reqId: r.requestId, attempt: r.attempt, account: r.account, kind: r.kind, delayMs: r.delayMs }, 'retrying on another account'),
    }),
    logger,
    readinessChecks: [
      () => (store.healthy() ? undefined : `storage (${store.mode}) unreachable: ${store.lastError() ?? 'unknown error'}`),
      () => accounts.readinessProblem(),
    ],
  };
  const app = await buildServer(services);
  return {
    app,
    loaded,
    services,
    accounts,
    store,
    close: async () => {
      await app.close();
      await accounts.close();
      await store.close();
      await client.close();
      logger.flush();
    },
  };
}
