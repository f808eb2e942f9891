// /api/keys: client API keys in the admin API (inside its session + same-origin checks). The
// secret is in the POST answer only; listings show the masked form. Every change is written to the
// store before the answer. Static keys (app.api_keys) are listed read-only.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { adminError, notFound, parseWith } from '../admin/index.js';
import { maskToken } from '../accounts/index.js';
import type { ClientKeyRecord } from '../store/index.js';
import { createKeyInput, patchKeyInput } from './key-input.js';
import type { ClientKeyService } from './key-service.js';
import { summarizeUsage, usageCsv } from './key-usage.js';
import { utcWindows } from './utc-windows.js';

export function keyView(r: ClientKeyRecord): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    note: r.note,
    masked: r.masked,
    models: r.models,
    limits: r.limits,
    enabled: r.enabled,
    expires_at: r.expiresAt === undefined ? null : new Date(r.expiresAt).toISOString(),
    created_at: new Date(r.createdAt).toISOString(),
    updated_at: new Date(r.updatedAt).toISOString(),
    static: false,
  };
}

const idParams = z.object({ id: z.string().min(1).max(64) });
const usageQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

export interface KeyRoutesDeps {
  keys: ClientKeyService;
  staticKeys: () => readonly string[];
}

export function registerKeyRoutes(app: FastifyInstance, deps: KeyRoutesDeps): void {
  const { keys } = deps;
  const find = (request: FastifyRequest): ClientKeyRecord => {
    const { id } = parseWith(idParams, request.params, 'path');
    const rec = keys.get(id);
    if (!rec) throw notFound(`No client key ${id}`, 'id');
    return rec;
  };

  app.get('/keys', async () => ({
    items: keys.list().map(keyView),
    // app.api_keys / GROK2API_APP_API_KEYS: unlimited, changed only in the configuration.
    static: deps.staticKeys().map((k) => ({ masked: maskToken(k), static: true, limits: {}, models: [], enabled: true })),
  }));

  app.post('/keys', async (request, reply) => {
    const body = parseWith(createKeyInput, request.body, 'request body');
    const { record, secret } = await keys.create(body);
    request.log.info({ key: record.id, name: record.name }, 'admin: client key created');
    // The only time the secret is ever shown.
    return reply.code(201).send({ ...keyView(record), key: secret });
  });

  app.get('/keys/usage.csv', async (_request, reply) => {
    const rows = [];
    for (const rec of keys.list()) for (const r of await keys.usage(rec.id)) rows.push({ ...r, keyId: rec.id, keyName: rec.name });
    return reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="key-usage.csv"').send(usageCsv(rows));
  });

  app.get('/keys/:id', async (request) => keyView(find(request)));

  app.patch('/keys/:id', async (request) => {
    const rec = find(request);
    const body = parseWith(patchKeyInput, request.body, 'request body');
    const next = await keys.update(rec.id, body);
    if (!next) throw notFound(`No client key ${rec.id}`, 'id');
    request.log.info({ key: rec.id }, 'admin: client key changed');
    return keyView(next);
  });

  app.delete('/keys/:id', async (request) => {
    const rec = find(request);
    if (!(await keys.remove(rec.id))) throw adminError(409, `Client key ${rec.id} was deleted meanwhile`, 'conflict');
    request.log.info({ key: rec.id }, 'admin: client key deleted');
    return { id: rec.id, deleted: true };
  });

  app.get('/keys/:id/usage', async (request, reply) => {
    const rec = find(request);
    const { format } = parseWith(usageQuery, request.query, 'query');
    const rows = await keys.usage(rec.id);
    if (format === 'csv') {
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="key-usage-${rec.id}.csv"`)
        .send(usageCsv(rows.map((r) => ({ ...r, keyId: rec.id, keyName: rec.name }))));
    }
    return { id: rec.id, name: rec.name, ...summarizeUsage(rows, utcWindows(Date.now()).day), rows };
  });
}

/** The `keys` section of /api/stats: each client key's usage today and in total. */
export async function keyStats(keys: ClientKeyService): Promise<Array<Record<string, unknown>>> {
  const today = utcWindows(Date.now()).day;
  const out: Array<Record<string, unknown>> = [];
  for (const rec of keys.list()) {
    const s = summarizeUsage(await keys.usage(rec.id).catch(() => []), today);
    out.push({ id: rec.id, name: rec.name, enabled: rec.enabled, today: s.today, total: s.total, byModel: s.byModel, byDay: s.byDay.slice(-14) });
  }
  return out;
}
