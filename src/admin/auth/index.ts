// Admin authentication: password (scrypt), sessions (memory + store.kv), login throttling, cookie.
export { AdminCredentials, MIN_PASSWORD_LENGTH, type AdminCredentialsOptions, type PasswordSource } from './admin-credentials.js';
export { SessionStore, type AdminSession, type SessionStoreOptions } from './session-store.js';
export { DEFAULT_LOGIN_LIMITS, LoginLimiter, MAX_FAILURES, type LoginAttempt, type LoginLimits, type LoginRefusal, type Reservation } from './login-limiter.js';
export { loginUserHint, type LoginUserHint } from './login-user-hint.js';
export { hashPassword, verifyPassword, generatePassword } from './password-hash.js';
export { SESSION_COOKIE, readCookie, sessionCookie, clearedSessionCookie } from './cookies.js';
