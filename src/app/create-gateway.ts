// Composition root: config → services → Fastify app. main.ts and the tests both use this, so a
// test runs exactly the wiring that production runs, only with other config values.
import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { AccountService, accountIdFor, parseTokenLines, importLegacyTokenFile } from '../accounts/index.js';
import { AdminCredentials, LoginLimiter, SessionStore, registerAdmin } from '../admin/index.js';
import { CallLog } from '../calllog/index.js';
import { buildModelRegistry, loadConfig, parseSeedTokens, type AppConfig, type LoadedConfig } from '../config/index.js';
import { EgressService, createTransport, egressMediaTransport, loadImpit } from '../egress/index.js';
import { ChatService, mgwMode, messagesToGrokPrompt, messagesToMgwPrompt } from '../gateway/index.js';
import { createMediaRuntime, type MediaRuntime } from './media-runtime.js';
import { accountSettingsFrom, admissionSettingsFrom, callLogSettingsFrom, chatSettingsFrom, egressSettingsFrom, ms, upstreamTimeoutsFrom } from './settings.js';
import {
  DriftMonitor,
  ChatTurnRouter,
  GrokClient,
  GrokHeaders,
  MgwChatClient,
  StatsigProvider,
  createStatsigSigner,
} from '../grok/index.js';
import { Metrics, registerAdmissionGauges, registerCallLogGauges, registerPoolGauges, registerProxyGauges } from '../metrics/index.js';
import { buildServer, type AppServices } from './build-server.js';
import {
  limitConnectionsPerAddress,
  throttledRefusalLog,
  findConsoleDir,
  registerConsole,
  registerMetricsRoute,
  assertWritableDataDir,
  Inflight,
  batchedLogDestination,
} from '../server/index.js';
import { createStore, permissionsOf, type Store } from '../store/index.js';
import { ClientKeyGate, ClientKeyService, keyStats } from '../keys/index.js';

export interface GatewayOptions {
  env?: NodeJS.ProcessEnv;
  dataDir?: string;
  overrides?: Parameters<typeof loadConfig>[0] extends infer O ? (O extends { overrides?: infer V } ? V : never) : never;
  logger?: Logger;
  /** The built admin console to serve at /manage (default: dist/public/manage, when it exists). */
  consoleDir?: string;
}

export interface Gateway {
  app: FastifyInstance;
  loaded: LoadedConfig;
  services: AppServices;
  accounts: AccountService;
  /** Outbound proxies: list/add/remove/bind/test for the admin API. */
  egress: EgressService;
  store: Store;
  metrics: Metrics;
  callLog: CallLog;
  /** Images, videos, video jobs and the media cache (`media.cache.size()` / `clear()`). */
  media: MediaRuntime;
  /** Client API keys with limits and usage (src/keys). */
  keys: ClientKeyService;
  /** Re-reads the configuration (after a settings save) and makes it the live one. */
  reloadConfig(): void;
  /**
   * Call once the server listens: start-up is over, so messages held until then are printed (the
   * generated admin password). A gateway closed without it drops a password generated and never shown.
   */
  started(): void;
  /**
   * Stops accepting connections, lets in-flight requests and SSE streams finish for up to
   * `drainMs` (default server.shutdown_timeout), cuts what is left, then flushes and closes storage.
   */
  close(drainMs?: number): Promise<void>;
}

export async function createGateway(opts: GatewayOptions = {}): Promise<Gateway> {
  const env = opts.env ?? process.env;
  const loaded = loadConfig({ env, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.overrides ? { overrides: opts.overrides } : {}) });
  const config = loaded.config;
  // Before anything writes there: one clear error instead of a stack trace from the first writer.
  await assertWritableDataDir(loaded.dataDir);
  // Batched: lines go out together at most 50 ms after the first (see log-destination.ts);
  // pino writes what is left synchronously when the process exits.
  const destination = opts.logger ? undefined : batchedLogDestination(1);
  const logger =
    opts.logger ??
    pino(
      {
        level: config.log.level,
        // Belt and braces: even if a secret-bearing object is logged by mistake, these never print.
        redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'token', '*.token', 'headers.cookie'], censor: '[redacted]' },
      },
      destination,
    );
  // The per-call line (build-server.ts) carries only masked or bounded fields: same destination, no redaction.
  const callLogger = destination ? pino({ level: config.log.level }, destination) : undefined;
  for (const w of loaded.warnings) logger.warn(w);
  if (config.app.api_keys.length === 0) {
    logger.warn('app.api_keys is empty: /v1 is open to anyone who can reach this port. Set GROK2API_APP_API_KEYS.');
  }
  if (config.app.app_url === '') {
    logger.warn('app.app_url is unset: media links are built from each request\'s Host (an http(s) host[:port] only, else the listening address). Set GROK2API_APP_APP_URL to the public URL.');
  }

  // network.transport = "impit" must be usable here: fail at start-up, not on the first call.
  if (config.network.transport === 'impit') loadImpit();
  // The direct (proxy-less) egress: chat calls and media calls of accounts without a proxy. Proxied
  // calls get their transport from the egress service. Closed last on shutdown.
  const direct = createTransport({ ...egressSettingsFrom(config), kind: config.network.transport, userAgent: config.grok.user_agent });
  // x-statsig-id per grok.statsig_mode, read live. The signer (opt-in) reads the page meta with
  // the cookie of any active account (the accounts exist only below, hence the reference).
  const accountsRef: { current?: AccountService } = {};
  const statsig = new StatsigProvider(
    () => ({ mode: loaded.config.grok.statsig_mode, manualValue: loaded.config.grok.statsig_id, signerUrl: loaded.config.grok.statsig_signer_url }),
    createStatsigSigner({
      baseUrl: config.grok.base_url,
      signerUrl: () => loaded.config.grok.statsig_signer_url,
      headers: new GrokHeaders({ baseUrl: config.grok.base_url, userAgent: config.grok.user_agent, acceptLanguage: config.grok.accept_language, cfClearance: config.grok.cf_clearance || undefined }),
      token: () => {
        for (const a of accountsRef.current?.pool.all() ?? []) if (a.rec.status === 'active') return a.rec.token;
        return undefined;
      },
    }),
  );
  // Protocol drift (src/grok/drift): sampled checks of what grok.com sends, surfaced in /metrics,
  // GET /api/protocol/drift and a warning log line per new signature.
  const drift = new DriftMonitor({ sampleRate: config.grok.drift_sample_rate, logger });
  const client = new GrokClient({
    drift,
    endpoints: { baseUrl: config.grok.base_url, assetsUrl: config.grok.assets_url, wsUrl: config.grok.ws_url },
    userAgent: config.grok.user_agent,
    acceptLanguage: config.grok.accept_language,
    ...(config.grok.cf_clearance ? { cfClearance: config.grok.cf_clearance } : {}),
    headersTimeoutMs: upstreamTimeoutsFrom(config).headersTimeoutMs,
    transport: direct,
    statsig,
  });
  // Chat over the mgw WebSocket: direct egress by default, each call's route (proxy + clearance) otherwise.
  const mgw = new MgwChatClient({
    drift,
    baseUrl: config.grok.base_url,
    headers: new GrokHeaders({
      baseUrl: config.grok.base_url,
      userAgent: config.grok.user_agent,
      acceptLanguage: config.grok.accept_language,
      ...(config.grok.cf_clearance ? { cfClearance: config.grok.cf_clearance } : {}),
    }),
    transport: direct,
    handshakeTimeoutMs: upstreamTimeoutsFrom(config).connectTimeoutMs,
  });
  const chatTurns = new ChatTurnRouter({ rest: client, mgw });
  const store = await createStore({ mode: config.storage.mode, url: config.storage.url, keyPrefix: config.storage.key_prefix, dataDir: loaded.dataDir, logger });
  const accounts = await AccountService.create({
    store,
    client,
    logger,
    settings: () => accountSettingsFrom(loaded.config),
    admission: () => admissionSettingsFrom(loaded.config),
  });
  accountsRef.current = accounts;
  const egressService = await EgressService.create({
    store,
    bindings: accounts,
    logger,
    instanceId: accounts.instanceId,
    settings: () => egressSettingsFrom(loaded.config),
  });
  // The egress is built on the accounts (their bindings); from here on the accounts' quota syncs
  // leave through each account's proxy and `proxyURL@token` imports pin their account.
  accounts.attachEgress(egressService);
  // Seeding is idempotent: a token already in the store (from an earlier start) is left as it is.
  const seeded = parseTokenLines(parseSeedTokens(env.GROK2API_SSO_TOKENS).join('\n'));
  const fresh = seeded.entries.filter((e) => !accounts.pool.get(accountIdFor(e.token)));
  if (fresh.length > 0) logger.info({ added: accounts.addEntries(fresh).added }, 'seeded accounts from GROK2API_SSO_TOKENS');
  await importLegacyTokenFile(loaded.dataDir, accounts, store, logger);
  const callLog = await CallLog.create({
    store: store.callLogs,
    logger,
    settings: () => callLogSettingsFrom(loaded.config),
  });
  const credentials = await AdminCredentials.init({
    kv: store.kv,
    locks: store.locks,
    logger,
    config: () => loaded.config.admin,
    instanceId: accounts.instanceId,
  });
  const reloadConfig = (): void => {
    const next = loadConfig({ env, dataDir: loaded.dataDir, ...(opts.overrides ? { overrides: opts.overrides } : {}) });
    loaded.config = next.config;
    loaded.sources = next.sources;
    loaded.warnings = next.warnings;
    if (!opts.logger) logger.level = next.config.log.level;
    if (callLogger) callLogger.level = next.config.log.level;
    drift.sampleRate = next.config.grok.drift_sample_rate;
  };
  let registry = buildModelRegistry(config.models);
  let registryFor = config.models;
  const current = (): AppConfig => loaded.config;
  const streams = new Inflight();
  const requests = new Inflight();
  const metrics = new Metrics({ knownModel: (id) => services.models().resolve(id) !== undefined });
  const media = await createMediaRuntime({
    drift,
    config: current,
    models: () => services.models(),
    dataDir: loaded.dataDir,
    client,
    turns: chatTurns,
    userIds: accounts,
    accounts,
    logger,
    chatSettings: () => chatSettingsFrom(current()),
    egress: egressService,
    // Uploads, media posts, asset downloads (asset pool first) and the imagine WebSocket leave
    // through the account's proxy, with that proxy's clearance, like its chat calls.
    transport: egressMediaTransport(egressService, direct, accountIdFor),
    store,
    instanceId: accounts.instanceId,
    tokenOf: (id) => accounts.pool.get(id)?.rec.token,
    accountIdOf: accountIdFor,
  });
  const clientKeys = await ClientKeyService.create({
    store: store.keys,
    logger,
    models: () => services.models(),
    // Other instances' key changes (the file store has a single instance).
    pollMs: store.mode === 'file' ? 0 : ms(config.accounts.poll_interval),
  });
  // Created 0700 by the store or the media cache; one made earlier (or by hand) keeps its mode.
  // (Windows has no such permission bits.)
  const dataDirMode = await permissionsOf(loaded.dataDir);
  if (process.platform !== 'win32' && dataDirMode !== undefined && (dataDirMode & 0o077) !== 0) {
    logger.warn({ dataDir: loaded.dataDir, mode: dataDirMode.toString(8).padStart(4, '0') }, 'DATA_DIR is accessible to other users (it holds tokens and secrets): chmod 700 it');
  }
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
      client: chatTurns,
      accounts,
      userIds: accounts,
      egress: egressService,
      attachments: media.chatAttachments,
      images: media.chatImages,
      settings: () => chatSettingsFrom(current()),
      onRetry: (r) => logger.warn({ reqId: r.requestId, attempt: r.attempt, account: r.account, kind: r.kind, delayMs: r.delayMs }, 'retrying on another account'),
    }),
    logger,
    ...(callLogger ? { callLogger } : {}),
    readinessChecks: [
      () => (store.healthy() ? undefined : `storage (${store.mode}) unreachable: ${store.lastError() ?? 'unknown error'}`),
      () => accounts.readinessProblem(),
      () => egressService.readinessProblem(),
    ],
    callListeners: [metrics.onCall, callLog.listener],
    streams,
    media,
    documents: store.documents,
    clientKeys: new ClientKeyGate(clientKeys),
  };
  const app = await buildServer(services);
  limitConnectionsPerAddress(
    app.server,
    () => current().server.max_connections_per_ip,
    throttledRefusalLog((f) => logger.warn(f, 'connections refused: too many open from one address (server.max_connections_per_ip)')),
  );
  // Before Fastify's own listener: a request may be answered synchronously within it.
  app.server.prependListener('request', (_req, res) => res.once('close', requests.enter()));
  registerMetricsRoute(app, metrics, () => current().metrics);
  registerPoolGauges(metrics, accounts, store);
  registerAdmissionGauges(metrics, accounts.admission);
  registerProxyGauges(metrics, egressService);
  registerCallLogGauges(metrics, callLog);
  metrics.registerGauge('grok2api_active_streams', 'SSE streams open to clients right now', () => streams.size);
  metrics.registerGauge('grok2api_inflight_requests', 'HTTP requests in progress (streams included, this scrape too)', () => requests.size);
  metrics.registerCounter('grok2api_protocol_drift_total', 'Upstream messages that differed from the protocol the gateway expects, by finding kind and signature (kind path type)', () => drift.counts(), ['kind', 'signature']);
  await registerAdmin(app, {
    drift,
    settings: { config: current, sources: () => loaded.sources, dataDir: loaded.dataDir, reload: reloadConfig },
    accounts,
    callLog,
    credentials,
    sessions: new SessionStore({ kv: store.kv, logger }),
    limiter: new LoginLimiter(),
    // The token test's tiny chat leaves through the account's proxy, like a real call.
    chatProbe: {
      openChat: async (token, chat, o) => {
        const transport = current().grok.chat_transport;
        const message = { role: 'user' as const, text: chat.text, attachments: [] };
        return egressService.throughRoute(o.accountId, (route) =>
          chatTurns.openTurn(token, {
            transport,
            prompt: transport === 'mgw' ? messagesToMgwPrompt([message]) : messagesToGrokPrompt([message]),
            mode: transport === 'mgw' ? mgwMode(chat.mode) : chat.mode,
            fileIds: [],
            temporary: chat.temporary,
            disableMemory: chat.disableMemory,
            userId: accounts.userIdOf(o.accountId),
          }, { signal: o.signal, route, onUserId: (uid) => accounts.setUserId(o.accountId, uid) }),
        );
      },
    },
    store,
    logger,
    startedAt: Date.now(),
    proxies: egressService,
    media: media.cache,
    clientKeys,
    extraStats: async () => ({
      keys: await keyStats(clientKeys),
      queue: {
        depth: accounts.admission.depth,
        oldestWaitSeconds: accounts.admission.oldestWaitSeconds(),
        ...accounts.admission.stats,
        timeoutSeconds: current().accounts.queue_timeout,
        max: current().accounts.queue_max,
      },
    }),
    // Proxy changes first (binding accounts to proxies changes account records), then accounts,
    // then the file store's own write-behind.
    persistNow: async () => {
      await egressService.flushNow();
      await accounts.persistence.flushNow();
      await store.flush();
    },
  });
  await registerConsole(app, opts.consoleDir ?? findConsoleDir());
  let isStarted = false;
  return {
    app,
    loaded,
    services,
    accounts,
    egress: egressService,
    store,
    metrics,
    callLog,
    media,
    keys: clientKeys,
    reloadConfig,
    started: () => {
      isStarted = true;
      credentials.announce();
    },
    close: async (drainMs = ms(current().server.shutdown_timeout)) => {
      const deadline = Date.now() + drainMs;
      const closed = app.close(); // stops accepting at once; kept-alive connections get 503 shutting_down
      // Fastify's close waits for busy sockets but not for the work on them to be over quickly:
      // wait for requests and hijacked SSE streams ourselves, bounded by the drain time.
      const drained = (await requests.whenIdle(drainMs)) && (await streams.whenIdle(deadline - Date.now()));
      if (drained) {
        app.server.closeIdleConnections(); // keep-alive sockets that went idle while draining
      } else {
        logger.warn({ requests: requests.size, streams: streams.size }, 'shutdown: drain time is over, closing the connections still open');
        app.server.closeAllConnections();
        // Cut streams release their accounts on the next ticks: let them, so the flush below has it.
        await streams.whenIdle(2000);
      }
      await closed;
      await media.close(); // stops video jobs running here (released to other instances / the next start)
      await callLog.close(); // the calls that just finished are written too
      if (!isStarted) await credentials.discardUnannounced().catch(() => undefined);
      await egressService.close(); // before the accounts: its last binding changes are flushed with them
      await accounts.close();
      clientKeys.close();
      await store.close();
      await client.close();
      await direct.close();
      logger.flush();
    },
  };
}
