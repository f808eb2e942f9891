// Public surface of the admin area: the /api plugin, its dependencies, and the auth parts.
export { registerAdmin } from './admin-routes.js';
export type { AdminDeps, ChatProbe, MediaCacheView, ProxyAdmin, SettingsController } from './admin-deps.js';
export { AdminCredentials, LoginLimiter, SessionStore, MIN_PASSWORD_LENGTH, type PasswordSource } from './auth/index.js';
export { LIVE_KEYS } from './settings-routes.js';
// The error helpers the admin-style JSON APIs share (keys/ registers one under /api).
export { adminError, notFound, parseWith } from './admin-errors.js';
