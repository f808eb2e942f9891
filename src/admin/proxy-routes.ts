// /api/proxies*: the egress proxy pool (src/egress): list (URLs masked), bulk add, delete, per-proxy
// clearance profile, bind/unbind an account, probe one now.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminError, notFound, parseWith } from './admin-errors.js';
import type { AdminDeps, ProxyAdmin } from './admin-deps.js';

const idsBody = z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(10_000) });
const addBody = z.object({ text: z.string().min(1).max(5_000_000), pool: z.enum(['app', 'asset']).default('app') });
const bindBody = z.object({ accountId: z.string().min(1).max(200), proxyId: z.string().min(1).max(200).nullable() });
const idBody = z.object({ id: z.string().min(1).max(200) });
const updateBody = z.object({
  id: z.string().min(1).max(200),
  cfClearance: z.string().max(10_000).nullable().optional(),
  userAgent: z.string().max(1000).nullable().optional(),
});

export function registerProxyRoutes(app: FastifyInstance, deps: AdminDeps, proxies: ProxyAdmin): void {
  const known = (id: string): boolean => proxies.list().some((p) => p.id === id);

  app.get('/proxies', async () => {
    const items = proxies.list();
    return { total: items.length, healthy: items.filter((p) => p.healthy).length, items };
  });

  app.post('/proxies/add', async (request: FastifyRequest) => {
    const body = parseWith(addBody, request.body, 'request body');
    const r = await proxies.add(body.text, { pool: body.pool });
    deps.logger.info({ added: r.added, updated: r.updated, errors: r.errors.length }, 'admin: proxies added');
    return r;
  });

  app.post('/proxies/delete', async (request: FastifyRequest) => {
    const body = parseWith(idsBody, request.body, 'request body');
    return proxies.remove(body.ids);
  });

  app.post('/proxies/update', async (request: FastifyRequest) => {
    const body = parseWith(updateBody, request.body, 'request body');
    const patch: { cfClearance?: string | null; userAgent?: string | null } = {};
    if (body.cfClearance !== undefined) patch.cfClearance = body.cfClearance;
    if (body.userAgent !== undefined) patch.userAgent = body.userAgent;
    const r = await proxies.update(body.id, patch);
    if (!r.ok) throw known(body.id) ? adminError(409, r.error, 'not_editable', { param: 'id' }) : notFound(r.error, 'id');
    return { ok: true };
  });

  app.post('/proxies/bind', async (request: FastifyRequest) => {
    const body = parseWith(bindBody, request.body, 'request body');
    const r = await proxies.bind(body.accountId, body.proxyId);
    if (!r.ok) throw adminError(/^no /.test(r.error) ? 404 : 400, r.error, /^no /.test(r.error) ? 'not_found' : 'invalid_value');
    return { ok: true };
  });

  app.post('/proxies/test', async (request: FastifyRequest) => {
    const body = parseWith(idBody, request.body, 'request body');
    if (!known(body.id)) throw notFound(`No proxy ${body.id}`, 'id');
    return proxies.test(body.id);
  });
}
