// POST /api/tokens/test: a real upstream check of one account. First a quota sync (the
// /rest/rate-limits calls, which also say whether the session is alive and its tier), then,
// when asked, a tiny chat ("Reply with OK") on the fast mode. Results are masked.
import type { AccountService } from '../accounts/index.js';
import { classifyTransportError, GrokUpstreamError } from '../grok/index.js';
import type { ChatProbe } from './admin-deps.js';
import { scrubToken } from './token-listing.js';

export interface ChatCheck {
  ok: boolean;
  ms: number;
  kind?: string;
  message?: string;
  /** The first characters of the answer. */
  reply?: string;
}

export interface TokenTestResult {
  id: string;
  token: string;
  ok: boolean;
  tier: string;
  status: string;
  sync: { ok: boolean; ms: number; kind?: string; message?: string; tier?: string; windows?: Record<string, { remaining: number; total: number }> };
  chat?: ChatCheck;
}

const CHAT_PROMPT = 'Reply with the single word OK.';
const REPLY_CHARS = 200;

export async function testAccount(
  accounts: AccountService,
  probe: ChatProbe,
  id: string,
  opts: { chat: boolean; timeoutMs: number; temporary: boolean; disableMemory: boolean },
): Promise<TokenTestResult | undefined> {
  const acc = accounts.pool.get(id);
  if (!acc) return undefined;
  const scrub = (s: string | undefined): string | undefined => (s === undefined ? undefined : scrubToken(s, acc.rec.token, acc.masked));
  const t0 = Date.now();
  const sync = await accounts.sync(id);
  const syncView: TokenTestResult['sync'] = { ok: sync.ok, ms: Date.now() - t0 };
  if (sync.kind !== undefined) syncView.kind = sync.kind;
  if (sync.message !== undefined) syncView.message = scrub(sync.message) as string;
  if (sync.tier !== undefined) syncView.tier = sync.tier;
  if (sync.windows !== undefined) syncView.windows = sync.windows;
  let chat: ChatCheck | undefined;
  if (opts.chat) {
    chat = await tinyChat(probe, acc.rec.token, id, opts);
    if (chat.message !== undefined) chat.message = scrub(chat.message) as string;
    if (!chat.ok && (chat.kind === 'invalid-credential' || chat.kind === 'blocked-account') && chat.kind !== undefined) {
      accounts.pool.recordFailure(acc, 'fast', new GrokUpstreamError({ kind: chat.kind, status: 0, message: chat.message ?? chat.kind }));
    }
  }
  return {
    id,
    token: acc.masked,
    ok: sync.ok && (chat?.ok ?? true),
    tier: acc.rec.tier,
    status: acc.rec.status,
    sync: syncView,
    ...(chat ? { chat } : {}),
  };
}

async function tinyChat(probe: ChatProbe, token: string, accountId: string, opts: { timeoutMs: number; temporary: boolean; disableMemory: boolean }): Promise<ChatCheck> {
  const t0 = Date.now();
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new Error('timeout')), opts.timeoutMs);
  let reply = '';
  try {
    const res = await probe.openChat(token, { text: CHAT_PROMPT, mode: 'fast', temporary: opts.temporary, disableMemory: opts.disableMemory }, { signal: ctl.signal, accountId });
    for await (const ev of res.events) {
      if (ev.type === 'token' && !ev.thinking) reply += ev.text;
      if (ev.type === 'end' || reply.length >= REPLY_CHARS) break;
    }
    return { ok: true, ms: Date.now() - t0, reply: reply.slice(0, REPLY_CHARS) };
  } catch (raw) {
    if (ctl.signal.aborted) return { ok: false, ms: Date.now() - t0, kind: 'timeout', message: `no answer within ${Math.round(opts.timeoutMs / 1000)} s` };
    const err = raw instanceof GrokUpstreamError ? raw : classifyTransportError(raw);
    return { ok: false, ms: Date.now() - t0, kind: err.kind, message: err.message };
  } finally {
    clearTimeout(timer);
  }
}
