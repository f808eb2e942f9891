// /api/logs*: the call log, paged and filtered, its statistics, the values its filters can take,
// and deletion. Times in queries are ISO 8601 dates or epoch milliseconds.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CallLogFilter, StatusFilter } from '../calllog/index.js';
import { adminError, parseWith } from './admin-errors.js';
import type { AdminDeps } from './admin-deps.js';

/** ISO 8601 date or epoch ms → epoch ms. */
export const timeParam = z
  .string()
  .trim()
  .min(1)
  .transform((s, ctx) => {
    const ms = /^\d+$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

const statusParam = z
  .string()
  .trim()
  .regex(/^(\d{3}|success|error|[2345]xx)$/, { error: 'expected a status code, "success", "error" or a class such as "4xx"' })
  .transform((s): StatusFilter => (/^\d{3}$/.test(s) ? Number(s) : (s as StatusFilter)));

const filterShape = {
  account: z.string().max(200).optional(),
  model: z.string().max(200).optional(),
  api_key: z.string().max(200).optional(),
  kind: z.string().max(100).optional(),
  endpoint: z.string().max(200).optional(),
  status: statusParam.optional(),
  stream: z.enum(['true', 'false']).transform((s) => s === 'true').optional(),
  request_id: z.string().max(200).optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
};

const listQuery = z.object({
  ...filterShape,
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(50),
});

const statsQuery = z.object({ ...filterShape, bucket: z.enum(['auto', 'minute', 'hour', 'day']).default('auto') });
const deleteQuery = z.object({ before: timeParam.optional() });

function filterOf(q: z.infer<typeof statsQuery> | z.infer<typeof listQuery>): CallLogFilter {
  return {
    account: q.account,
    model: q.model,
    apiKey: q.api_key,
    kind: q.kind,
    endpoint: q.endpoint,
    status: q.status,
    stream: q.stream,
    requestId: q.request_id,
    from: q.from,
    to: q.to,
  };
}

export function registerLogRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const log = deps.callLog;

  app.get('/logs', async (request: FastifyRequest) => {
    const q = parseWith(listQuery, request.query, 'query');
    const page = log.query(filterOf(q), q.page, q.page_size);
    return { total: page.total, page: page.page, pageSize: page.pageSize, items: page.items };
  });

  app.get('/logs/models', async () => log.facets());

  app.get('/logs/stats', async (request: FastifyRequest) => {
    const q = parseWith(statsQuery, request.query, 'query');
    return log.stats(filterOf(q), q.bucket);
  });

  app.delete('/logs', async (request: FastifyRequest) => {
    const q = parseWith(deleteQuery, request.query, 'query');
    try {
      const r = await log.deleteBefore(q.before);
      deps.logger.info({ before: q.before, ...r, user: request.adminAuth?.session.user }, 'admin: call log entries deleted');
      return { ok: true, ...r };
    } catch (err) {
      throw adminError(503, `Could not delete from the store: ${err instanceof Error ? err.message : String(err)}`, 'storage_unavailable');
    }
  });
}
