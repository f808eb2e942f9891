// POST /api/login, POST /api/logout, GET /api/session, POST /api/password, and the hook that
// requires a session on every other /api route (cookie, or Authorization: Bearer <session>).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminError, badRequest, parseWith } from './admin-errors.js';
import type { AdminDeps } from './admin-deps.js';
import {
  clearedSessionCookie,
  loginUserHint,
  MIN_PASSWORD_LENGTH,
  readCookie,
  SESSION_COOKIE,
  sessionCookie,
  type AdminSession,
  type LoginAttempt,
  type LoginLimiter,
  type LoginRefusal,
} from './auth/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route reachable without an admin session (only POST /api/login). */
    adminPublic?: boolean;
  }
  interface FastifyRequest {
    /** The admin session of this request (set by the auth hook). */
    adminAuth?: { token: string; session: AdminSession } | undefined;
  }
}

const loginSchema = z.object({
  username: z.string().min(1).max(200),
  password: z.string().min(1).max(1000),
  /** Also return the session token in the body (scripts using Authorization: Bearer). */
  bearer: z.boolean().optional(),
});

const passwordSchema = z.object({
  current: z.string().min(1).max(1000),
  next: z.string().min(MIN_PASSWORD_LENGTH, { error: `expected at least ${MIN_PASSWORD_LENGTH} characters` }).max(1000),
});

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const auth = request.headers.authorization;
  if (auth && /^bearer\s+/i.test(auth)) return auth.replace(/^bearer\s+/i, '').trim() || undefined;
  return readCookie(request.headers.cookie, SESSION_COOKIE) || undefined;
}

const isHttps = (request: FastifyRequest): boolean => request.protocol === 'https';

function tooManyAttempts(r: LoginRefusal): Error {
  const whose = r.scope === 'address' ? 'from this address' : 'for this user';
  const what = r.reason === 'locked' ? `Too many failed logins ${whose}` : `Too many login attempts in progress ${whose}`;
  return adminError(429, `${what}: try again in ${r.retryAfterSeconds} s`, 'too_many_attempts', {
    headers: { 'retry-after': String(r.retryAfterSeconds) },
  });
}

/** Reserves a password check before hashing (see login-limiter.ts), or throws the 429. */
function reserveAttempt(limiter: LoginLimiter, ip: string, user: string): LoginAttempt {
  const r = limiter.reserve(ip, user);
  if (!r.allowed) throw tooManyAttempts(r);
  return r.attempt;
}

const unavailable = (): Error => adminError(503, 'Admin login is unavailable while the store is unreachable', 'admin_unavailable');

export function installAdminAuth(app: FastifyInstance, deps: AdminDeps): void {
  app.decorateRequest('adminAuth', undefined);
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.config.adminPublic === true) return;
    const token = sessionTokenOf(request);
    const session = token === undefined ? undefined : await deps.sessions.get(token);
    if (token === undefined || session === undefined) {
      throw adminError(401, 'Not logged in (or the session expired): POST /api/login first', 'unauthorized');
    }
    request.adminAuth = { token, session };
  });
}

export function registerAuthRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { credentials, sessions, limiter, logger } = deps;
  const config = (): ReturnType<AdminDeps['settings']['config']> => deps.settings.config();

  app.post('/login', { config: { adminPublic: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const ip = request.ip;
    const body = parseWith(loginSchema, request.body, 'login');
    const attempt = reserveAttempt(limiter, ip, body.username);
    let ok: boolean;
    try {
      ok = await credentials.verify(body.username, body.password);
    } catch {
      attempt.cancel();
      throw unavailable();
    }
    if (!ok) {
      const { lockedForSeconds } = attempt.fail();
      logger.warn({ ip, ...loginUserHint(body.username, config().admin.username), lockedForSeconds }, 'admin: failed login');
      throw adminError(401, 'Wrong user name or password', 'invalid_credentials');
    }
    attempt.succeed();
    const ttlSeconds = config().admin.session_ttl;
    let created;
    try {
      created = await sessions.create(body.username, ttlSeconds * 1000);
    } catch {
      throw unavailable();
    }
    logger.info({ ip, user: body.username }, 'admin: logged in');
    void reply.header('set-cookie', sessionCookie(created.token, ttlSeconds, isHttps(request))).header('cache-control', 'no-store');
    return {
      ok: true,
      user: created.session.user,
      createdAt: created.session.createdAt,
      expiresAt: created.session.expiresAt,
      passwordSource: await credentials.source().catch(() => undefined),
      ...(body.bearer === true ? { token: created.token } : {}),
    };
  });

  app.post('/logout', async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = request.adminAuth;
    if (auth) await sessions.delete(auth.token).catch(() => undefined);
    void reply.header('set-cookie', clearedSessionCookie(isHttps(request)));
    return { ok: true };
  });

  app.get('/session', async (request: FastifyRequest) => {
    const s = request.adminAuth?.session as AdminSession;
    return { user: s.user, createdAt: s.createdAt, expiresAt: s.expiresAt, passwordSource: await credentials.source().catch(() => undefined) };
  });

  app.post('/password', async (request: FastifyRequest) => {
    const ip = request.ip;
    const body = parseWith(passwordSchema, request.body, 'password change');
    const auth = request.adminAuth as { token: string; session: AdminSession };
    const user = config().admin.username;
    const attempt = reserveAttempt(limiter, ip, user);
    let ok: boolean;
    try {
      ok = await credentials.verify(user, body.current);
    } catch {
      attempt.cancel();
      throw unavailable();
    }
    if (!ok) {
      attempt.fail();
      throw adminError(403, 'The current password is wrong', 'wrong_password', { param: 'current' });
    }
    attempt.succeed();
    if (body.next === body.current) throw badRequest('The new password must differ from the current one', 'next');
    try {
      await credentials.change(body.next);
    } catch {
      throw unavailable();
    }
    const ended = await sessions.deleteAllExcept(auth.token).catch(() => 0);
    logger.info({ ip, user: auth.session.user, sessionsEnded: ended }, 'admin: password changed');
    return { ok: true, passwordSource: 'console', sessionsEnded: ended };
  });
}
