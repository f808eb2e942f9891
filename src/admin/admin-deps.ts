// What the admin API is built from. Everything is passed in (no globals), so tests can build it
// with other parts; app/create-gateway.ts wires the real ones.
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/index.js';
import type { CallLog } from '../calllog/index.js';
import type { AppConfig, ConfigSource } from '../config/index.js';
import type { EgressService } from '../egress/index.js';
import type { ChatStreamResult, DriftMonitor } from '../grok/index.js';
import type { ClientKeyService } from '../keys/index.js';
import type { Store } from '../store/index.js';
import type { AdminCredentials, LoginLimiter, SessionStore } from './auth/index.js';

/** Live configuration, where each key came from, and how to reload it after a save. */
export interface SettingsController {
  config(): AppConfig;
  sources(): Record<string, ConfigSource>;
  dataDir: string;
  /** Re-reads defaults + config.toml + environment and makes the result the live configuration. */
  reload(): void;
}

/**
 * The one upstream call the token test makes besides the quota sync (through the account's egress,
 * over the configured chat transport): one user message in the given mode.
 */
export interface ChatProbe {
  openChat(
    token: string,
    chat: { text: string; mode: string; temporary: boolean; disableMemory: boolean },
    opts: { signal?: AbortSignal | undefined; accountId: string },
  ): Promise<ChatStreamResult>;
}

/** What the proxies routes use of the egress service. */
export type ProxyAdmin = Pick<EgressService, 'list' | 'add' | 'remove' | 'bind' | 'test' | 'update'>;

/** The media cache, when there is one (src/media). */
export interface MediaCacheView {
  size(): { images: { files: number; bytes: number; limitBytes: number }; videos: { files: number; bytes: number; limitBytes: number }; bytes: number };
  clear(kind?: 'image' | 'video'): Promise<{ files: number; bytes: number }>;
}

export interface AdminDeps {
  settings: SettingsController;
  accounts: AccountService;
  callLog: CallLog;
  credentials: AdminCredentials;
  sessions: SessionStore;
  limiter: LoginLimiter;
  chatProbe: ChatProbe;
  store: Pick<Store, 'mode' | 'healthy' | 'lastError'>;
  logger: Logger;
  /** Epoch ms the gateway started (uptime in /api/stats). */
  startedAt: number;
  media?: MediaCacheView | undefined;
  /** The egress proxy pool; without it the /api/proxies routes are not registered. */
  proxies?: ProxyAdmin | undefined;
  /**
   * Resolves once every change made so far is durable in the store; rejects when the store cannot
   * take it. Admin writes await it before answering (absent = nothing to wait for).
   */
  persistNow?: (() => Promise<void>) | undefined;
  /** Protocol-drift findings (GET /api/protocol/drift); the route answers an empty list without it. */
  drift?: Pick<DriftMonitor, 'list' | 'sampleRate' | 'dropped' | 'checked'> | undefined;
  now?: () => number;
  /** Client API keys (src/keys): the /api/keys routes and the `keys` section of /api/stats. */
  clientKeys?: ClientKeyService | undefined;
  /** More sections for /api/stats (the admission queue, ...), computed when it is asked for. */
  extraStats?: (() => Promise<Record<string, unknown>>) | undefined;
}
