// MgwChatClient against the simulator's real /ws/mgw/ socket (and real local proxies): the session
// lookup, the handshake, the strict event order, the frames sent, every token fate classified at
// the session lookup, at the handshake and in the stream, the uid refresh, and no socket left open.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Cancellation, createTransport, GrokHeaders, GrokUpstreamError, MgwChatClient, type ChatTurnInput, type GrokEvent, type Transport } from '../../src/grok/index.js';
import { MGW_WS_PATH, startFakeGrok, userIdFor, type FakeGrok, type FakeTokenBehavior } from '../fake-grok/index.js';
import { startHttpProxy, startSocks5Proxy, type TestProxy } from '../egress/test-proxies.js';

const UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/146.0.0.0 Safari/537.36';
const TOKEN = 'sso-mgw-client-0001';

function turn(prompt: string, extra: Partial<ChatTurnInput> = {}): ChatTurnInput {
  return { transport: 'mgw', prompt, mode: 'fast', fileIds: [], temporary: true, disableMemory: true, ...extra };
}

async function drain(res: { events: AsyncIterable<GrokEvent> }): Promise<GrokEvent[]> {
  const out: GrokEvent[] = [];
  for await (const e of res.events) out.push(e);
  return out;
}

const answer = (evs: GrokEvent[]): string => evs.map((e) => (e.type === 'token' && !e.thinking ? e.text : '')).join('');

async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await sleep(10);
  }
}

void describe('MgwChatClient against the simulator', () => {
  let sim: FakeGrok;
  let direct: Transport;
  let client: MgwChatClient;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {} } });
    direct = createTransport({ kind: 'undici', connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 20_000, userAgent: UA });
    client = new MgwChatClient({
      baseUrl: sim.baseUrl,
      headers: new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: UA, acceptLanguage: 'en', cfClearance: 'clear-1', cfCookies: 'grok_device_id=dev; __cf_bm=bm; x-anonuserid=anon' }),
      transport: direct,
      handshakeTimeoutMs: 2000,
      pingIntervalMs: 30,
    });
  });
  after(async () => {
    await direct.close();
    await sim.close();
  });

  const fate = (token: string, b: FakeTokenBehavior): void => sim.setToken(token, b);

  void it('one turn: session lookup, handshake, event order, answer, end with ids; the socket is closed by us', async () => {
    sim.clearRequests();
    const seen: string[] = [];
    const res = await client.openTurn(TOKEN, turn('[user]\nHello mgw [sim:stall=80]'), { onUserId: (u) => seen.push(u) });
    const evs = await drain(res);
    assert.equal(answer(evs), 'Echo: Hello mgw');
    const end = evs[evs.length - 1];
    assert.equal(end?.type, 'end');
    assert.ok(end?.type === 'end' && end.responseId && end.conversationId, 'the end event carries both ids');
    assert.deepEqual(seen, [userIdFor(TOKEN)]);
    await until(() => sim.openMgwSockets() === 0 && client.openSockets === 0);

    const lookup = sim.requests.find((r) => r.path === '/api/auth/session');
    assert.ok(lookup);
    assert.equal(lookup.method, 'GET');
    assert.equal(lookup.headers.origin, undefined);
    assert.equal(lookup.headers['x-statsig-id'], undefined);
    assert.equal(lookup.headers['x-xai-request-id'], undefined);
    assert.equal(lookup.headers.referer, `${sim.baseUrl}/`);
    assert.match(String(lookup.headers['sec-ch-ua']), /"Google Chrome";v="146"/);
    assert.equal(lookup.headers.cookie, `sso=${TOKEN}; sso-rw=${TOKEN}; __cf_bm=bm; cf_clearance=clear-1`, 'only allow-listed Cloudflare cookies');

    const upgrade = sim.requests.find((r) => r.method === 'GET' && r.path.startsWith(MGW_WS_PATH));
    assert.equal(upgrade?.headers.cookie, `sso=${TOKEN}; sso-rw=${TOKEN}; __cf_bm=bm; cf_clearance=clear-1; x-userid=${userIdFor(TOKEN)}`);
    assert.equal(upgrade?.headers['sec-ch-ua'], undefined);
    const frames = sim.requests.filter((r) => r.method === 'WS' && r.path === MGW_WS_PATH).map((r) => r.body as { session_id?: string; event: Record<string, unknown> });
    const types = frames.map((f) => f.event.type);
    assert.deepEqual(types.filter((t) => t !== 'ping'), ['session.create', 'conversation.item.create', 'response.create']);
    assert.ok(types.includes('ping'), 'a heartbeat ping while the answer stalled');
    const create = frames[0]?.event as { event_id: string; session: { model: string; x_grok: Record<string, unknown> } };
    assert.match(create.event_id, /^evt_init_[0-9a-f-]{36}$/);
    assert.equal(create.session.model, 'fast');
    assert.equal(create.session.x_grok.is_temporary, true);
    assert.equal(create.session.x_grok.use_chunk, true);
    const item = frames.find((f) => f.event.type === 'conversation.item.create');
    const resp = frames.find((f) => f.event.type === 'response.create');
    assert.equal(item?.session_id, end?.type === 'end' ? end.conversationId : '');
    assert.equal(String(item?.event.event_id).replace('evt_msg_', ''), String(resp?.event.event_id).replace('evt_resp_', ''), 'same stamp');
    assert.equal('file_attachment_ids' in (item?.event ?? {}), false, 'no attachment ids without attachments');
    assert.equal('castle_request_token' in (resp?.event ?? {}), false);
  });

  void it('concurrent first turns of one account share one session lookup', async () => {
    const token = 'sso-mgw-concurrent-0001';
    fate(token, {});
    const seen: string[] = [];
    const turns = await Promise.all([1, 2, 3].map((i) => client.openTurn(token, turn(`[user]\nc${i}`), { onUserId: (u) => seen.push(u) })));
    for (const t of turns) await drain(t);
    assert.equal(sim.requests.filter((r) => r.path === '/api/auth/session' && r.token === token).length, 1);
    assert.deepEqual(seen, [userIdFor(token), userIdFor(token), userIdFor(token)], 'every caller learns the id');
  });

  void it('file ids become mentions before the text chunk and file_attachment_ids at item and event level', async () => {
    sim.clearRequests();
    await drain(await client.openTurn(TOKEN, turn('[user]\nWhat is in these?', { fileIds: ['fm_1', 'fm_2'], userId: userIdFor(TOKEN) })));
    const item = sim.requests.find((r) => r.method === 'WS' && (r.body as { event: { type: string } }).event.type === 'conversation.item.create')?.body as {
      event: { file_attachment_ids: string[]; item: { file_attachment_ids: string[]; x_grok: { input_chunks: unknown[] } } };
    };
    assert.deepEqual(item.event.file_attachment_ids, ['fm_1', 'fm_2']);
    assert.deepEqual(item.event.item.file_attachment_ids, ['fm_1', 'fm_2']);
    assert.deepEqual(item.event.item.x_grok.input_chunks, [
      { mention: { target: { file_mention: { file_id: 'fm_1' } } } },
      { mention: { target: { file_mention: { file_id: 'fm_2' } } } },
      { text: { text: '[user]\nWhat is in these?' } },
    ]);
    assert.equal(sim.requests.filter((r) => r.path === '/api/auth/session').length, 0, 'a known uid needs no lookup');
  });

  void it('a stale cached uid: the refused handshake triggers one lookup and the turn runs on the fresh uid', async () => {
    const seen: string[] = [];
    const res = await client.openTurn(TOKEN, turn('[user]\nstale', { userId: '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86' }), { onUserId: (u) => seen.push(u) });
    assert.equal(answer(await drain(res)), 'Echo: stale');
    assert.deepEqual(seen, [userIdFor(TOKEN)]);
  });

  void it('continues a conversation of the same account; another account cannot re-open it', async () => {
    const first = await drain(await client.openTurn(TOKEN, turn('[user]\nfirst')));
    const end = first[first.length - 1];
    assert.ok(end?.type === 'end' && end.conversationId && end.responseId);
    sim.clearRequests();
    const second = await drain(await client.openTurn(TOKEN, turn('second', { continuation: { conversationId: end.conversationId, parentResponseId: end.responseId } })));
    const end2 = second[second.length - 1];
    assert.ok(end2?.type === 'end');
    assert.equal(end2.conversationId, end.conversationId);
    const frames = sim.requests.filter((r) => r.method === 'WS').map((r) => r.body as { session_id?: string; event: Record<string, unknown> });
    assert.equal(frames[0]?.session_id, end.conversationId);
    const x = (frames[0]?.event.session as { x_grok: Record<string, unknown> }).x_grok;
    assert.deepEqual([x.conversation_id, x.load_existing, x.needs_history, 'is_temporary' in x], [end.conversationId, true, false, false]);
    assert.equal(frames.find((f) => f.event.type === 'conversation.item.create')?.event.parent_response_id, end.responseId);

    fate('sso-mgw-other-0002', {});
    await assert.rejects(
      client.openTurn('sso-mgw-other-0002', turn('x', { continuation: { conversationId: end.conversationId, parentResponseId: end.responseId } })),
      (e: unknown) => e instanceof GrokUpstreamError && /conversation not found/.test(e.message),
    );
  });

  const fates: Array<[string, FakeTokenBehavior, string, 'open' | 'read']> = [
    ['expired (session lookup 401)', { status: 401 }, 'invalid-credential', 'open'],
    ['unauthenticated session status', { sessionStatus: 'unauthenticated' }, 'invalid-credential', 'open'],
    ['blocked (session status)', { status: 403, variant: 'blocked' }, 'blocked-account', 'open'],
    ['Cloudflare-challenged (HTML 403 at the lookup)', { status: 403 }, 'anti-bot', 'open'],
    ['rate limited (handshake 429)', { status: 429 }, 'rate-limited', 'open'],
    ['expired (handshake 401)', { status: 401, fateAt: 'handshake' }, 'invalid-credential', 'open'],
    ['blocked (handshake 403)', { status: 403, variant: 'blocked', fateAt: 'handshake' }, 'blocked-account', 'open'],
    ['Cloudflare-challenged (handshake 403 HTML)', { status: 403, fateAt: 'handshake' }, 'anti-bot', 'open'],
    ['expired (error event)', { status: 401, fateAt: 'event' }, 'invalid-credential', 'read'],
    ['blocked (error event)', { status: 403, variant: 'blocked', fateAt: 'event' }, 'blocked-account', 'read'],
    ['anti-bot (error event code 7)', { status: 403, fateAt: 'event' }, 'anti-bot', 'read'],
    ['rate limited (error event code 8)', { status: 429, fateAt: 'event' }, 'rate-limited', 'read'],
    ['rate limited mid-answer', { inBandRateLimit: true }, 'rate-limited', 'read'],
  ];
  fates.forEach(([name, behavior, kind, where], i) => {
    void it(`fate: ${name} → ${kind}`, async () => {
      const token = `sso-mgw-fate-${String(i).padStart(4, '0')}`;
      fate(token, behavior);
      const attempt = async (): Promise<void> => {
        const res = await client.openTurn(token, turn('[user]\nhi'));
        if (where === 'open') assert.fail('the turn should not open');
        await drain(res);
      };
      await assert.rejects(attempt(), (e: unknown) => {
        assert.ok(e instanceof GrokUpstreamError, String(e));
        assert.equal(e.kind, kind, e.message);
        return true;
      });
      await until(() => sim.openMgwSockets() === 0 && client.openSockets === 0);
    });
  });

  void it('a revoked token (unknown to the site) is an invalid credential', async () => {
    await assert.rejects(client.openTurn('sso-mgw-revoked-9999', turn('x')), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'invalid-credential');
  });

  void it('an abort mid-answer closes the socket at once; a cut connection is a transport failure', async () => {
    const c = new Cancellation();
    const res = await client.openTurn(TOKEN, turn('[user]\nlong [sim:tokens=500] [sim:delay=10]', { userId: userIdFor(TOKEN) }), { signal: c });
    await res.events.nextBatch();
    assert.equal(sim.openMgwSockets(), 1);
    c.abort();
    assert.equal(await res.events.nextBatch(), undefined);
    await until(() => sim.openMgwSockets() === 0 && client.openSockets === 0);

    const cut = await client.openTurn(TOKEN, turn('[user]\ncut [sim:cut]', { userId: userIdFor(TOKEN) }));
    await assert.rejects(drain(cut), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'transport');
    await until(() => sim.openMgwSockets() === 0);
  });

  void it('response.done with a failed status and session.ended before done are failures', async () => {
    await assert.rejects(drain(await client.openTurn(TOKEN, turn('[user]\nx [sim:done-status=failed]'))), /status is failed/);
    await assert.rejects(drain(await client.openTurn(TOKEN, turn('[user]\nx [sim:no-final-frames]'))), (e: unknown) => e instanceof GrokUpstreamError && e.kind === 'upstream-5xx');
  });
});

void describe('MgwChatClient through real proxies', () => {
  let sim: FakeGrok;
  let httpProxy: TestProxy;
  let socks: TestProxy;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [TOKEN]: {} } });
    httpProxy = await startHttpProxy({ auth: { user: 'alice', pass: 's3cr3t-pass' } });
    socks = await startSocks5Proxy({ auth: { user: 'bob', pass: 'socks-pass-123' } });
  });
  after(async () => {
    await httpProxy.close();
    await socks.close();
    await sim.close();
  });

  for (const name of ['HTTP CONNECT', 'SOCKS5'] as const) {
    void it(`${name}: the session lookup and the handshake both leave through the route's proxy`, async () => {
      const proxy = name === 'SOCKS5' ? socks : httpProxy;
      proxy.reset();
      const direct = createTransport({ kind: 'undici', connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 20_000, userAgent: UA });
      const proxied = createTransport({ kind: 'undici', proxyUrl: proxy.url, connectTimeoutMs: 2000, headersTimeoutMs: 5000, requestTimeoutMs: 20_000, userAgent: UA });
      const client = new MgwChatClient({ baseUrl: sim.baseUrl, headers: new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: UA, acceptLanguage: 'en' }), transport: direct, handshakeTimeoutMs: 2000 });
      try {
        const route = { transport: proxied, headers: new GrokHeaders({ baseUrl: sim.baseUrl, userAgent: UA, acceptLanguage: 'en', cfClearance: 'proxy-clearance' }) };
        const res = await client.openTurn(TOKEN, turn('[user]\nvia proxy'), { route });
        assert.equal(answer(await drain(res)), 'Echo: via proxy');
        assert.equal(proxy.tokenCounts().get(TOKEN), 2, 'lookup + upgrade through the proxy');
        const upgrade = sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith(MGW_WS_PATH)).pop();
        assert.match(String(upgrade?.headers.cookie), /cf_clearance=proxy-clearance; x-userid=/, "the proxy's clearance, not the default's");
      } finally {
        await proxied.close();
        await direct.close();
      }
    });
  }
});
