// Admin authentication: password (scrypt), sessions (memory + store.kv), login throttling, cookie.
export { AdminCredentials, MIN_PASSWORD_LENGTH, type AdminCredentialsOptions, type PasswordSource } from './admin-credentials.js';
export { SessionStore, type AdminSession, type SessionStoreOptions } from './session-store.js';
export { LoginLimiter, MAX_FAILURES, type LimitCheck } from './login-limiter.js';
export { hashPassword, verifyPassword, generatePassword } from './password-hash.js';
export { SESSION_COOKIE, readCookie, sessionCookie, clearedSessionCookie } from './cookies.js';
