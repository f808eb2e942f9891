// The one schema of the configuration (DESIGN "Configuration has one schema").
// Defaults live in config.defaults.toml, not here: every key is required so that a key missing from
// the shipped file is a bug caught at start-up. Only model entries have optional fields, because
// operators add models with a few lines.
// Every check carries a message of the form "expected ..." so that a problem line reads
// `server.port: expected an integer between 1 and 65535, got "abc" (from env GROK2API_SERVER_PORT)`.
import { z } from 'zod';
import { isValidTrustProxy, TRUST_PROXY_EXPECTED, trustProxyInput } from './trust-proxy.js';

function intIn(min: number, max: number): z.ZodNumber {
  const error = `expected an integer between ${min} and ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function numberAtLeast(min: number, unit = ''): z.ZodNumber {
  const error = `expected a number >= ${min}${unit}`;
  return z.number({ error }).min(min, { error });
}

function positiveNumber(unit = ''): z.ZodNumber {
  const error = `expected a number > 0${unit}`;
  return z.number({ error }).positive({ error });
}

const text = (): z.ZodString => z.string({ error: 'expected a string' });
const bool = (): z.ZodBoolean => z.boolean({ error: 'expected true or false' });
const stringList = (): z.ZodArray<z.ZodString> =>
  z.array(text(), { error: 'expected a list of strings' });

function oneOf<const T extends readonly [string, ...string[]]>(values: T): z.ZodEnum<{ [K in T[number]]: K }> {
  return z.enum(values, { error: `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}` });
}

/** "" or an absolute URL whose scheme is in `schemes`. */
function urlOrEmpty(schemes: readonly string[]): z.ZodString {
  const label = schemes.join(' or ');
  return text().refine((v) => v === '' || hasScheme(v, schemes), {
    error: `expected "" or an absolute ${label} URL`,
  });
}

function absoluteUrl(schemes: readonly string[]): z.ZodString {
  const label = schemes.join(' or ');
  return text().refine((v) => hasScheme(v, schemes), { error: `expected an absolute ${label} URL` });
}

function hasScheme(value: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return schemes.includes(url.protocol.slice(0, -1)) && url.host !== '';
  } catch {
    return false;
  }
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const REASONING_MODES = ['reasoning_content', 'think_tags', 'hidden'] as const;
export const STORAGE_MODES = ['file', 'redis', 'mysql'] as const;
export const MODEL_KINDS = ['chat', 'image', 'image-edit', 'video'] as const;
export const ACCOUNT_TIERS = ['basic', 'super', 'heavy'] as const;
/** grok.chat_transport: the mgw WebSocket gateway (Aug 2026 web app) or the legacy REST NDJSON path. */
export const CHAT_TRANSPORT_NAMES = ['mgw', 'rest'] as const;

/** Chat `modeId` values (docs/grok-protocol.md §4.1; legacy modeId §21.1); also the /rest/rate-limits windows (quota buckets). */
export const CHAT_MODES = ['auto', 'fast', 'expert', 'heavy', 'grok-420-computer-use-sa'] as const;
export const QUOTA_BUCKETS = CHAT_MODES;
/** Image modes: "fast" = drawn through a fast chat; "speed"/"quality" = imagine WebSocket (enable_pro). */
export const IMAGE_MODES = ['fast', 'speed', 'quality'] as const;
export const MODEL_MODES = ['auto', 'fast', 'expert', 'heavy', 'grok-420-computer-use-sa', 'speed', 'quality'] as const;

export type LogLevel = (typeof LOG_LEVELS)[number];
export type ReasoningSetting = (typeof REASONING_MODES)[number];
export type StorageMode = (typeof STORAGE_MODES)[number];
export type ModelKind = (typeof MODEL_KINDS)[number];
export type AccountTier = (typeof ACCOUNT_TIERS)[number];
export type ChatMode = (typeof CHAT_MODES)[number];
export type QuotaBucket = (typeof QUOTA_BUCKETS)[number];
export type ModelMode = (typeof MODEL_MODES)[number];

export const serverSchema = z.object({
  host: text().min(1, { error: 'expected a non-empty host name or address' }),
  port: intIn(1, 65535),
  body_limit_mb: positiveNumber(' (megabytes)'),
  body_drain_limit_mb: numberAtLeast(0, ' (megabytes)'),
  shutdown_timeout: numberAtLeast(0, ' (seconds)'),
  trust_proxy: z.preprocess(trustProxyInput, z.string({ error: TRUST_PROXY_EXPECTED }).refine(isValidTrustProxy, { error: TRUST_PROXY_EXPECTED })),
  cors_origins: stringList(),
  headers_timeout: positiveNumber(' (seconds)'),
  body_timeout: numberAtLeast(0, ' (seconds; 0 disables)'),
  keep_alive_timeout: positiveNumber(' (seconds)'),
  max_connections_per_ip: intIn(0, 1_000_000),
});

export const appSchema = z.object({
  app_url: urlOrEmpty(['http', 'https']),
  api_keys: stringList(),
});

/** Where `x-statsig-id` values come from (docs/grok-protocol.md, "x-statsig-id"). */
export const STATSIG_MODES = ['local', 'manual', 'signer'] as const;

/** A standard-alphabet base64 value (padding optional). */
function isBase64(v: string): boolean {
  const t = v.trim();
  return t !== '' && /^[A-Za-z0-9+/]+={0,2}$/.test(t) && t.replace(/=+$/, '').length % 4 !== 1;
}

export const grokSchema = z
  .object({
    base_url: absoluteUrl(['http', 'https']),
    assets_url: absoluteUrl(['http', 'https']),
    ws_url: urlOrEmpty(['ws', 'wss']),
    user_agent: text().min(1, { error: 'expected a non-empty User-Agent' }),
    cf_clearance: text(),
    accept_language: text(),
    temporary: bool(),
    disable_memory: bool(),
    custom_personality: text(),
    statsig_mode: oneOf(STATSIG_MODES),
    statsig_id: text(),
    statsig_signer_url: urlOrEmpty(['http', 'https']),
    chat_transport: oneOf(CHAT_TRANSPORT_NAMES),
    drift_sample_rate: z.number({ error: 'expected a share between 0 and 1 (0.05 = one message in 20)' })
      .min(0, { error: 'expected a share between 0 and 1 (0.05 = one message in 20)' })
      .max(1, { error: 'expected a share between 0 and 1 (0.05 = one message in 20)' }),
  })
  .superRefine((g, ctx) => {
    if (g.statsig_mode === 'manual' && !isBase64(g.statsig_id)) {
      ctx.addIssue({ code: 'custom', path: ['statsig_id'], message: 'expected the base64 x-statsig-id value copied from a browser when grok.statsig_mode is "manual"' });
    }
    if (g.statsig_mode === 'signer' && g.statsig_signer_url === '') {
      ctx.addIssue({ code: 'custom', path: ['statsig_signer_url'], message: 'expected the URL of a signer service when grok.statsig_mode is "signer" (nothing third-party is called unless you set one)' });
    }
  });

export const chatSchema = z.object({
  stream_idle_timeout: positiveNumber(' (seconds)'),
  request_timeout: positiveNumber(' (seconds)'),
  connect_timeout: positiveNumber(' (seconds)'),
  heartbeat_interval: numberAtLeast(0, ' (seconds; 0 disables)'),
  reasoning: oneOf(REASONING_MODES),
  show_search_sources: bool(),
  continue_conversations: bool(),
});

/** "NAME=MODEL" entries (src/anthropic/model-aliases.ts reads them). */
const ALIAS_ENTRY = /^[^=\s]+=[^=\s]+$/;
export const anthropicSchema = z.object({
  model_aliases: stringList().refine((list) => list.every((e) => ALIAS_ENTRY.test(e)), {
    error: 'expected "NAME=MODEL" entries (no spaces), e.g. "opus=grok-chat-expert"',
  }),
});

/** How generated media reaches clients: our cached link, inline base64, or Grok's own asset URL. */
export const MEDIA_FORMATS = ['url', 'b64_json', 'upstream'] as const;
export type MediaFormat = (typeof MEDIA_FORMATS)[number];

export const imageSchema = z.object({
  use_ws: bool(),
  nsfw: bool(),
  round_timeout: positiveNumber(' (seconds)'),
  idle_timeout: positiveNumber(' (seconds)'),
});

export const videoSchema = z.object({
  html_tag: bool(),
  segment_timeout: positiveNumber(' (seconds)'),
  job_ttl: positiveNumber(' (seconds)'),
  job_lease: numberAtLeast(0.3, ' (seconds)'),
  job_scan_interval: numberAtLeast(0.1, ' (seconds)'),
  callback_secret: text(),
  callback_attempts: intIn(1, 20),
  callback_backoff: numberAtLeast(0, ' (seconds)'),
});

export const mediaSchema = z.object({
  format: oneOf(MEDIA_FORMATS),
  image_cache_mb: numberAtLeast(0, ' (megabytes)'),
  video_cache_mb: numberAtLeast(0, ' (megabytes)'),
  max_download_mb: positiveNumber(' (megabytes)'),
  download_timeout: positiveNumber(' (seconds)'),
  allow_private_urls: bool(),
});

export const logSchema = z.object({
  level: oneOf(LOG_LEVELS),
  requests: bool(),
});

export const metricsSchema = z.object({
  enabled: bool(),
  token: text(),
});

export const mcpSchema = z.object({
  enabled: bool(),
});

export const adminSchema = z.object({
  username: text().min(1, { error: 'expected a non-empty user name' }),
  password: text(),
  session_ttl: numberAtLeast(60, ' (seconds)'),
});

export const responsesSchema = z.object({
  ttl: positiveNumber(' (seconds)'),
});

export const calllogSchema = z.object({
  flush_interval: numberAtLeast(0.05, ' (seconds)'),
  max_entries: intIn(100, 1_000_000),
});

export const accountsSchema = z.object({
  max_inflight: intIn(1, 10_000),
  invalid_after: intIn(1, 1_000),
  prefer_higher_tier: bool(),
  default_tier: oneOf(ACCOUNT_TIERS),
  sync_on_import: bool(),
  sync_interval_basic: numberAtLeast(0, ' (seconds)'),
  sync_interval_super: numberAtLeast(0, ' (seconds)'),
  sync_concurrency: intIn(1, 100),
  flush_interval: numberAtLeast(0.05, ' (seconds)'),
  poll_interval: numberAtLeast(0.1, ' (seconds)'),
  queue_timeout: numberAtLeast(0, ' (seconds)'),
  queue_max: intIn(0, 1_000_000),
});

export const retrySchema = z.object({
  max_attempts: intIn(1, 100),
  statuses: z.array(intIn(100, 599), { error: 'expected a list of HTTP status codes' }),
  backoff_base: numberAtLeast(0, ' (seconds)'),
  backoff_factor: numberAtLeast(1),
  backoff_max: numberAtLeast(0, ' (seconds)'),
  budget: numberAtLeast(0, ' (seconds)'),
});

export const TRANSPORTS = ['undici', 'impit'] as const;
export type TransportSetting = (typeof TRANSPORTS)[number];

export const networkSchema = z.object({
  transport: oneOf(TRANSPORTS),
  impit_browser: text().regex(/^(auto|[a-z]+[0-9]*)$/, { error: 'expected "auto" or an impit browser profile such as "chrome136"' }),
  headers_timeout: positiveNumber(' (seconds)'),
});

const PROXY_ENTRY_RE = /^\s*(https?|socks4a?|socks5h?):\/\/[^\s/]+/i;
const proxyList = (): z.ZodArray<z.ZodString> =>
  z.array(
    text().refine((v) => PROXY_ENTRY_RE.test(v), {
      error: 'expected a proxy URL (http://, https://, socks4://, socks5:// or socks5h://host:port)',
    }),
    { error: 'expected a list of proxy URLs' },
  );

export const proxySchema = z.object({
  urls: proxyList(),
  asset_urls: proxyList(),
  required: bool(),
  fail_threshold: intIn(1, 1_000),
  probe_url: urlOrEmpty(['http', 'https']),
  probe_interval: positiveNumber(' (seconds)'),
  probe_backoff: positiveNumber(' (seconds)'),
  probe_timeout: positiveNumber(' (seconds)'),
});

export const storageSchema = z
  .object({
    mode: oneOf(STORAGE_MODES),
    url: text(),
    key_prefix: text().regex(/^[A-Za-z0-9_]{1,32}$/, { error: 'expected 1-32 letters, digits or _' }),
  })
  .superRefine((s, ctx) => {
    if (s.mode !== 'file' && s.url.trim() === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `expected a connection URL when storage.mode is "${s.mode}"`,
      });
    }
  });

export const modelSpecSchema = z
  .object({
    id: text().min(1, { error: 'expected a non-empty model id' }),
    kind: oneOf(MODEL_KINDS),
    mode: oneOf(MODEL_MODES).optional(),
    upstream_model: text().min(1, { error: 'expected a non-empty upstream model name' }).optional(),
    tier: oneOf(ACCOUNT_TIERS),
    bucket: oneOf(QUOTA_BUCKETS),
    aliases: stringList().default([]),
    enabled: bool().default(true),
    description: text().default(''),
  })
  .superRefine((m, ctx) => {
    if (m.kind === 'chat' && !(CHAT_MODES as readonly string[]).includes(m.mode ?? '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: `expected a chat mode (${CHAT_MODES.map((v) => JSON.stringify(v)).join(', ')}) for kind "chat"`,
      });
    }
    if (m.kind === 'image' && !(IMAGE_MODES as readonly string[]).includes(m.mode ?? '')) {
      ctx.addIssue({
        code: 'custom',
        path: ['mode'],
        message: `expected an image mode (${IMAGE_MODES.map((v) => JSON.stringify(v)).join(', ')}) for kind "image"`,
      });
    }
    if ((m.kind === 'image-edit' || m.kind === 'video') && m.upstream_model === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['upstream_model'],
        message: `expected an upstream model name for kind "${m.kind}"`,
      });
    }
  });

/** Ids must be unique; among enabled models, an alias may not repeat any other id or alias. */
export const modelListSchema = z
  .array(modelSpecSchema, { error: 'expected a list of [[models]] tables' })
  .superRefine((models, ctx) => {
    const ids = new Map<string, number>();
    models.forEach((m, i) => {
      if (ids.has(m.id)) {
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `expected a unique id ("${m.id}" is defined twice)` });
      }
      ids.set(m.id, i);
    });
    const claimed = new Map<string, string>();
    for (const m of models) if (m.enabled) claimed.set(m.id, m.id);
    models.forEach((m, i) => {
      if (!m.enabled) return;
      m.aliases.forEach((alias, j) => {
        const owner = claimed.get(alias);
        if (owner !== undefined && owner !== m.id) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'aliases', j],
            message: `expected an unused name ("${alias}" already names enabled model "${owner}")`,
          });
        } else {
          claimed.set(alias, m.id);
        }
      });
    });
  });

// Cross-key checks live on the smallest object that holds both keys: zod skips an object's
// refinements when one of its fields failed, and start-up should report every problem at once.
export const configSchema = z.object({
  server: serverSchema,
  app: appSchema,
  grok: grokSchema,
  chat: chatSchema,
  anthropic: anthropicSchema,
  image: imageSchema,
  video: videoSchema,
  media: mediaSchema,
  log: logSchema,
  metrics: metricsSchema,
  mcp: mcpSchema,
  admin: adminSchema,
  calllog: calllogSchema,
  responses: responsesSchema,
  accounts: accountsSchema,
  retry: retrySchema,
  network: networkSchema,
  proxy: proxySchema,
  storage: storageSchema,
  models: modelListSchema,
});

export type AppConfig = z.infer<typeof configSchema>;
export type ModelSpec = z.infer<typeof modelSpecSchema>;
export type ConfigSection = Exclude<keyof AppConfig, 'models'>;
