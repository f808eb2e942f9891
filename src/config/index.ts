// Public surface of the configuration module. Other folders import only from here.
export {
  configSchema,
  modelSpecSchema,
  ACCOUNT_TIERS,
  CHAT_MODES,
  IMAGE_MODES,
  MEDIA_FORMATS,
  LOG_LEVELS,
  MODEL_KINDS,
  MODEL_MODES,
  QUOTA_BUCKETS,
  REASONING_MODES,
  STORAGE_MODES,
  type AccountTier,
  type AppConfig,
  type ChatMode,
  type ConfigSection,
  type LogLevel,
  type MediaFormat,
  type ModelKind,
  type ModelMode,
  type ModelSpec,
  type QuotaBucket,
  type ReasoningSetting,
  type StorageMode,
} from './schema.js';
export { ConfigError } from './config-error.js';
export {
  loadConfig,
  resolveDataDir,
  OPERATOR_CONFIG_FILE,
  type ConfigSource,
  type DeepPartial,
  type LoadConfigOptions,
  type LoadedConfig,
} from './load-config.js';
export { resolveDerived, deriveWsUrl } from './resolve-derived.js';
export { buildModelRegistry, type ModelRegistry } from './model-registry.js';
export { saveOperatorConfig } from './save-operator-config.js';
export { maskSecret } from './mask-secret.js';
export { parseSeedTokens } from './seed-tokens.js';
export { isSecretKey, SECRET_KEYS } from './config-keys.js';
export { envVarName } from './env-layer.js';
export { findDefaultsPath } from './defaults-path.js';
export { trustProxyOption } from './trust-proxy.js';
export { settingsCatalog, type SettingInfo, type SettingType } from './settings-catalog.js';
