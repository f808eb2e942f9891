// The simulator's mgw socket enforces what the real one is documented to expect: path, SSO cookie
// pair, uid == the token's user id (and x-userid), refusals before the upgrade, the event order,
// and conversation ownership; GET /api/auth/session gives a stable UUID per token.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { startFakeGrok, userIdFor, type FakeGrok } from './index.js';

const T = 'sso-sim-mgw-0001';
const cookie = (t: string, uid?: string): string => `sso=${t}; sso-rw=${t}${uid ? `; x-userid=${uid}` : ''}`;

function connect(sim: FakeGrok, path: string, headers: Record<string, string>): Promise<{ ws: WebSocket } | { status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(sim.baseUrl.replace('http', 'ws') + path, { headers });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

function frames(ws: WebSocket): { next: () => Promise<{ event: Record<string, unknown>; session_id?: string }> } {
  const queue: Array<{ event: Record<string, unknown> }> = [];
  const waiters: Array<(f: { event: Record<string, unknown> }) => void> = [];
  ws.on('message', (d) => {
    const f = JSON.parse(d.toString()) as { event: Record<string, unknown> };
    const w = waiters.shift();
    if (w) w(f);
    else queue.push(f);
  });
  return { next: () => new Promise((r) => (queue.length > 0 ? r(queue.shift() as { event: Record<string, unknown> }) : waiters.push(r))) };
}

const sessionCreate = { event: { type: 'session.create', event_id: 'evt_init_t', session: { model: 'fast', x_grok: { is_temporary: true } } } };

void describe('simulator: mgw socket', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokens: { [T]: {}, 'sso-sim-mgw-blocked': { status: 403, variant: 'blocked' }, 'sso-sim-mgw-unauth': { sessionStatus: 'unauthenticated' } } });
  });
  after(async () => {
    await sim.close();
  });

  void it('/api/auth/session: a stable UUID per token; unauthenticated and blocked are switchable', async () => {
    const get = async (t: string) => (await fetch(`${sim.baseUrl}/api/auth/session`, { headers: { cookie: cookie(t) } })).json() as Promise<{ status: string; session?: { userId: string } }>;
    const a = await get(T);
    assert.equal(a.status, 'authenticated');
    assert.equal(a.session?.userId, userIdFor(T));
    assert.equal((await get(T)).session?.userId, a.session?.userId);
    assert.match(userIdFor(T), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((await get('sso-sim-mgw-blocked')).status, 'blocked');
    assert.deepEqual(await get('sso-sim-mgw-unauth'), { status: 'unauthenticated' });
    assert.equal((await fetch(`${sim.baseUrl}/api/auth/session`, { headers: { cookie: cookie('unknown-token') } })).status, 401);
  });

  void it('refuses before the upgrade: wrong path, sso != sso-rw, wrong uid, wrong x-userid, the token fate', async () => {
    const uid = userIdFor(T);
    const refused = async (path: string, c: string): Promise<number> => {
      const r = await connect(sim, path, { cookie: c });
      if ('ws' in r) {
        r.ws.terminate();
        return 101;
      }
      return r.status;
    };
    assert.equal(await refused(`/ws/mgw?uid=${uid}`, cookie(T)), 404);
    assert.equal(await refused(`/ws/mgw/?uid=${uid}`, `sso=${T}; sso-rw=other`), 401);
    assert.equal(await refused(`/ws/mgw/?uid=${userIdFor('someone')}`, cookie(T)), 401);
    assert.equal(await refused(`/ws/mgw/?uid=${uid}`, cookie(T, userIdFor('someone'))), 401);
    assert.equal(await refused(`/ws/mgw/?uid=${userIdFor('sso-sim-mgw-blocked')}`, cookie('sso-sim-mgw-blocked')), 403);
    assert.equal(await refused(`/ws/mgw/?uid=${uid}`, cookie(T, uid)), 101);
  });

  void it('an item before session.created and conversation.attached is a protocol error; so is one before session.create', async () => {
    const uid = userIdFor(T);
    const r = await connect(sim, `/ws/mgw/?uid=${uid}`, { cookie: cookie(T, uid) });
    assert.ok('ws' in r);
    const f = frames(r.ws);
    r.ws.send(JSON.stringify({ event: { type: 'conversation.item.create', item: {} } }));
    const err = await f.next();
    assert.equal(err.event.type, 'error');
    assert.match(String((err.event.error as { message: string }).message), /protocol error/);

    const r2 = await connect(sim, `/ws/mgw/?uid=${uid}`, { cookie: cookie(T, uid) });
    assert.ok('ws' in r2);
    const f2 = frames(r2.ws);
    r2.ws.send(JSON.stringify(sessionCreate));
    // Sent at once, without waiting for both answers: too early.
    r2.ws.send(JSON.stringify({ session_id: 'x', event: { type: 'conversation.item.create', item: { x_grok: { input_chunks: [{ text: { text: 'hi' } }] } } } }));
    const created = await f2.next();
    assert.equal(created.event.type, 'session.created');
    assert.equal(created.event.client_event_id, 'evt_init_t');
    const e2 = await f2.next();
    assert.equal(e2.event.type, 'error');
    assert.match(String((e2.event.error as { message: string }).message), /before session.created and conversation.attached/);
  });

  void it('a full turn in order; conversation id == session id; remembered for its account', async () => {
    const uid = userIdFor(T);
    const r = await connect(sim, `/ws/mgw/?uid=${uid}`, { cookie: cookie(T, uid) });
    assert.ok('ws' in r);
    const f = frames(r.ws);
    r.ws.send(JSON.stringify(sessionCreate));
    const created = await f.next();
    const attached = await f.next();
    const sid = created.session_id ?? '';
    assert.equal((attached.event.conversation as { id: string }).id, sid);
    r.ws.send(JSON.stringify({ session_id: sid, event: { type: 'conversation.item.create', event_id: 'evt_msg_1', item: { type: 'message', role: 'user', x_grok: { input_chunks: [{ text: { text: '[user]\nhello [sim:no-thinking] [sim:citation]' } }] } } } }));
    r.ws.send(JSON.stringify({ session_id: sid, event: { type: 'response.create', event_id: 'evt_resp_1' } }));
    const types: string[] = [];
    let answer = '';
    let citations = 0;
    for (;;) {
      const fr = await f.next();
      types.push(String(fr.event.type));
      const chunk = fr.event.chunk as { text?: { text: string; channel: string }; render_citation?: unknown } | undefined;
      if (chunk?.text?.channel === 'CHANNEL_ASSISTANT_RESPONSE') answer += chunk.text.text;
      if (chunk?.render_citation) citations++;
      if (fr.event.type === 'response.done') break;
    }
    assert.equal(answer, 'Echo: hello');
    assert.equal(citations, 2);
    const done = sim.mgwConversations().get(sid);
    assert.equal(done?.token, T);
    assert.ok(done?.lastResponseId);
    assert.equal(sim.openMgwSockets(), 1, 'the server leaves closing to the client');
    r.ws.terminate();
  });
});
