// /api/tokens*: list (masked), add (bulk lines or the Python token.json), delete, tags, note, tier,
// enable/disable, test (real upstream check), refresh (quota sync), export (the only place whole
// tokens leave the gateway).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { accountIdFor, parsePythonTokenFile, parseTokenLines, type AccountService, type TokenEntry } from '../accounts/index.js';
import { ACCOUNT_TIERS } from '../config/index.js';
import { badRequest, notFound, parseWith } from './admin-errors.js';
import type { AdminDeps } from './admin-deps.js';
import { listTokens, TOKEN_SORT_FIELDS } from './token-listing.js';
import { testAccount } from './token-tester.js';

const MAX_IDS = 20_000;
const ids = z.array(z.string().min(1).max(200)).min(1).max(MAX_IDS);
const tierSchema = z.enum(ACCOUNT_TIERS);
/** Comma-separated query values: `status=active,cooling`. */
const csv = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item));

const listQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  page_size: z.coerce.number().int().min(1).max(500).default(50),
  status: csv(z.enum(['active', 'cooling', 'invalid', 'disabled'])).optional(),
  tier: csv(tierSchema).optional(),
  tag: z.string().max(200).optional(),
  text: z.string().max(500).optional(),
  proxy: z.string().max(200).optional(),
  sort: z.enum(TOKEN_SORT_FIELDS).default('createdAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});

const addBody = z.union([
  z.object({ text: z.string().max(50_000_000), tier: tierSchema.optional(), tags: z.array(z.string().min(1).max(100)).max(50).optional() }),
  z.object({ tokenFile: z.record(z.string(), z.unknown()) }),
]);

const tagsBody = z.object({ ids, tags: z.array(z.string().trim().min(1).max(100)).max(50) });
const noteBody = z.object({ ids, note: z.string().max(2000) });
const tierBody = z.object({ ids, tier: tierSchema });
const idsBody = z.object({ ids });
const testBody = z.object({ id: z.string().min(1).max(200), chat: z.boolean().default(false) });
const refreshBody = z.object({ ids: z.array(z.string().min(1).max(200)).min(1).max(500).optional() });
const exportQuery = z.object({
  format: z.enum(['text', 'json']).default('text'),
  ids: csv(z.string().min(1)).optional(),
});

interface LineResult {
  line: number;
  id: string;
  token: string;
  result: 'added' | 'updated';
}

/** Adds entries one by one so each line's outcome (added or updated) is known. */
function addWithLines(accounts: AccountService, entries: Array<{ line: number; entry: TokenEntry }>): { added: number; updated: number; results: LineResult[] } {
  const results: LineResult[] = [];
  const fresh: TokenEntry[] = [];
  const seen = new Set<string>();
  for (const { line, entry } of entries) {
    const id = accountIdFor(entry.token);
    const existed = accounts.pool.get(id) !== undefined || seen.has(id);
    seen.add(id);
    results.push({ line, id, token: '', result: existed ? 'updated' : 'added' });
    fresh.push(entry);
  }
  const r = accounts.addEntries(fresh);
  for (const row of results) row.token = accounts.pool.get(row.id)?.masked ?? '';
  return { added: r.added, updated: r.updated, results };
}

/** Runs `fn` over `items` with at most `limit` at once. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return out;
}

export function registerTokenRoutes(app: FastifyInstance, deps: AdminDeps): void {
  const { accounts } = deps;

  app.get('/tokens', async (request: FastifyRequest) => {
    const q = parseWith(listQuery, request.query, 'query');
    const summary = accounts.summary(); // also brings every status up to date (cooling that ended)
    const listing = listTokens(accounts.pool.all(), {
      filter: { status: q.status, tier: q.tier, tag: q.tag, text: q.text, proxy: q.proxy },
      sort: q.sort,
      order: q.order,
      page: q.page,
      pageSize: q.page_size,
    });
    return { ...listing, summary };
  });

  app.post('/tokens/add', async (request: FastifyRequest) => {
    const body = parseWith(addBody, request.body, 'request body');
    const entries: Array<{ line: number; entry: TokenEntry }> = [];
    let errors: Array<{ line: number; message: string }> = [];
    if ('text' in body) {
      const lines = body.text.split(/\r?\n/);
      lines.forEach((raw, i) => {
        const parsed = parseTokenLines(raw);
        for (const e of parsed.errors) errors.push({ line: i + 1, message: e.message });
        for (const entry of parsed.entries) {
          entries.push({ line: i + 1, entry: { ...entry, tier: entry.tier ?? body.tier, tags: entry.tags ?? body.tags } });
        }
      });
    } else {
      const parsed = parsePythonTokenFile(body.tokenFile);
      errors = parsed.errors;
      parsed.entries.forEach((entry, i) => entries.push({ line: i + 1, entry }));
    }
    if (entries.length === 0 && errors.length === 0) throw badRequest('No tokens found in the input', 'text');
    const { added, updated, results } = addWithLines(accounts, entries);
    deps.logger.info({ added, updated, errors: errors.length }, 'admin: tokens added');
    return { added, updated, errors, results };
  });

  app.post('/tokens/delete', async (request: FastifyRequest) => {
    const body = parseWith(idsBody, request.body, 'request body');
    const deleted = accounts.remove(body.ids);
    deps.logger.info({ deleted }, 'admin: tokens deleted');
    return { deleted };
  });

  app.post('/tokens/tags', async (request: FastifyRequest) => {
    const body = parseWith(tagsBody, request.body, 'request body');
    return { updated: accounts.setTags(body.ids, body.tags) };
  });

  app.post('/tokens/note', async (request: FastifyRequest) => {
    const body = parseWith(noteBody, request.body, 'request body');
    return { updated: accounts.setNote(body.ids, body.note) };
  });

  app.post('/tokens/tier', async (request: FastifyRequest) => {
    const body = parseWith(tierBody, request.body, 'request body');
    return { updated: accounts.setTier(body.ids, body.tier) };
  });

  app.post('/tokens/enable', async (request: FastifyRequest) => {
    const body = parseWith(idsBody, request.body, 'request body');
    return { updated: accounts.setDisabled(body.ids, false) };
  });

  app.post('/tokens/disable', async (request: FastifyRequest) => {
    const body = parseWith(idsBody, request.body, 'request body');
    return { updated: accounts.setDisabled(body.ids, true) };
  });

  app.post('/tokens/test', async (request: FastifyRequest) => {
    const body = parseWith(testBody, request.body, 'request body');
    const c = deps.settings.config();
    const result = await testAccount(accounts, deps.chatProbe, body.id, {
      chat: body.chat,
      timeoutMs: Math.min(60, c.chat.request_timeout) * 1000,
      temporary: c.grok.temporary,
      disableMemory: c.grok.disable_memory,
    });
    if (!result) throw notFound(`No account ${body.id}`, 'id');
    return result;
  });

  app.post('/tokens/refresh', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = parseWith(refreshBody, request.body, 'request body');
    if (body.ids === undefined) {
      // Everything: queued on the background syncer (sync_concurrency at a time); poll /api/tokens.
      let queued = 0;
      for (const acc of accounts.pool.all()) {
        if (acc.rec.status === 'disabled') continue;
        accounts.syncer.request(acc);
        queued++;
      }
      void reply.code(202);
      return { queued, pending: accounts.syncer.pending() };
    }
    const concurrency = deps.settings.config().accounts.sync_concurrency;
    const results = await mapBounded(body.ids, concurrency, async (id) => {
      const acc = accounts.pool.get(id);
      if (!acc) return { id, ok: false, kind: 'not-found', message: `no account ${id}` };
      const r = await accounts.sync(id);
      return {
        id,
        token: acc.masked,
        ok: r.ok,
        ...(r.kind !== undefined ? { kind: r.kind } : {}),
        ...(r.message !== undefined ? { message: r.message.split(acc.rec.token).join(acc.masked) } : {}),
        ...(r.tier !== undefined ? { tier: r.tier } : {}),
        ...(r.windows !== undefined ? { windows: r.windows } : {}),
      };
    });
    return { total: results.length, ok: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
  });

  app.get('/tokens/export', async (request: FastifyRequest, reply: FastifyReply) => {
    const q = parseWith(exportQuery, request.query, 'query');
    const only = q.ids === undefined ? undefined : new Set(q.ids);
    const rows = [...accounts.pool.all()]
      .filter((a) => only === undefined || only.has(a.rec.id))
      .map((a) => ({ token: a.rec.token, tier: a.rec.tier, tags: [...a.rec.tags], note: a.rec.note, status: a.rec.status }));
    deps.logger.warn({ ip: request.ip, user: request.adminAuth?.session.user, tokens: rows.length }, 'admin: tokens exported (whole tokens)');
    void reply.header('cache-control', 'no-store');
    if (q.format === 'json') {
      void reply.header('content-disposition', 'attachment; filename="grok2api-tokens.json"');
      return { tokens: rows };
    }
    const text = rows.map((r) => [r.token, r.tier, ...(r.tags.length > 0 ? [r.tags.map((t) => t.replace(/[\s,|]+/g, '_')).join(',')] : [])].join(' ')).join('\n');
    void reply
      .type('text/plain; charset=utf-8')
      .header('content-disposition', 'attachment; filename="grok2api-tokens.txt"');
    return rows.length > 0 ? text + '\n' : '';
  });
}
