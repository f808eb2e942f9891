// Token fates end to end on the mgw path: an expired, blocked, Cloudflare-challenged, rate-limited
// and revoked account each meet their fate (at the session lookup / handshake refusal, and as an
// error event after the upgrade), the client gets the same OpenAI error as on the REST path, and no
// WebSocket is left open after a turn, an abort or a failure (counted on the simulator's side).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIdFor } from '../../src/accounts/index.js';
import type { FakeTokenBehavior } from '../fake-grok/index.js';
import { eventually, startHarness, transportOverrides, type Harness } from './harness.js';

const KEY = 'sk-test-harness-key-000000';
const TOKEN = 'sso-fate-token-000001';

interface Outcome {
  status: number;
  code: string | null;
  accountStatus: string | undefined;
}

async function oneCall(h: Harness): Promise<Outcome> {
  const res = await fetch(`${h.baseURL}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'fate' }] }),
  });
  const body = (await res.json()) as { error?: { code: string | null } };
  h.gw.accounts.summary();
  return { status: res.status, code: body.error?.code ?? null, accountStatus: h.gw.accounts.pool.get(accountIdFor(TOKEN))?.rec.status };
}

async function run(behavior: FakeTokenBehavior, transport: 'mgw' | 'rest', removed = false): Promise<Outcome> {
  const h = await startHarness({
    tokens: [TOKEN],
    sim: { tokens: { [TOKEN]: behavior } },
    overrides: { ...transportOverrides(transport), accounts: { sync_on_import: false, flush_interval: 0.1, poll_interval: 0.2, invalid_after: 1 } },
  });
  try {
    if (removed) h.sim.removeToken(TOKEN);
    const out = await oneCall(h);
    await eventually(() => h.sim.openMgwSockets() === 0, 2000, 'no mgw socket left open');
    return out;
  } finally {
    await h.close();
  }
}

const FATES: Array<[string, FakeTokenBehavior, boolean]> = [
  ['expired', { status: 401 }, false],
  ['blocked', { status: 403, variant: 'blocked' }, false],
  ['Cloudflare-challenged', { status: 403 }, false],
  ['rate-limited', { status: 429 }, false],
  ['revoked', {}, true],
];

void describe('token fates on the mgw path match the REST path', () => {
  for (const [name, behavior, removed] of FATES) {
    void it(`${name}: same client error and account state at the handshake/lookup and in the stream`, async () => {
      const rest = await run(behavior, 'rest', removed);
      assert.notEqual(rest.status, 200, 'the fate fails the call on REST');
      const handshake = await run({ ...behavior, fateAt: 'handshake' }, 'mgw', removed);
      assert.deepEqual(handshake, rest, 'handshake refusal');
      const lookup = await run(behavior, 'mgw', removed);
      assert.deepEqual(lookup, rest, 'session lookup (default)');
      if (!removed) {
        const inStream = await run({ ...behavior, fateAt: 'event' }, 'mgw');
        assert.deepEqual(inStream, rest, 'error event after the upgrade');
      }
    });
  }
});

void describe('failures right after response.create are still retried', () => {
  void it('an error event before any content: the stream is held and the request succeeds on another account', async () => {
    const BAD = 'sso-fate-token-000009';
    const h = await startHarness({
      tokens: [BAD, TOKEN],
      sim: { tokens: { [BAD]: { status: 429, fateAt: 'event' } } },
      overrides: { retry: { max_attempts: 2, backoff_base: 0.01, backoff_max: 0.02 } },
    });
    try {
      for (let i = 0; i < 2; i++) {
        const stream = await h.openai.chat.completions.create({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: `held ${i}` }] });
        let text = '';
        for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
        assert.equal(text, `Echo: held ${i}`);
      }
      const upgrades = h.sim.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/ws/mgw/'));
      assert.ok(upgrades.some((r) => r.token === BAD), 'the failing account was tried (its socket opened)');
      h.gw.accounts.summary();
      assert.equal(h.gw.accounts.pool.get(accountIdFor(BAD))?.rec.status, 'cooling');
    } finally {
      await h.close();
    }
  });
});

void describe('no mgw socket outlives its turn', () => {
  void it('after turns, aborts (streaming and not) and failures, the simulator has no open socket', async () => {
    const h = await startHarness({ tokens: [TOKEN, 'sso-fate-token-000002'], overrides: { chat: { stream_idle_timeout: 1 } } });
    try {
      const open = (): number => h.sim.openMgwSockets();
      await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'plain' }] });
      await eventually(() => open() === 0, 2000, 'closed after a turn');
      for (const stream of [true, false]) {
        const ctl = new AbortController();
        const p = fetch(`${h.baseURL}/chat/completions`, {
          method: 'POST',
          signal: ctl.signal,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
          body: JSON.stringify({ model: 'grok-chat-fast', stream, messages: [{ role: 'user', content: 'long [sim:tokens=2000] [sim:delay=20]' }] }),
        }).then(async (r) => {
          if (stream) await r.body?.getReader().read();
        }).catch(() => undefined);
        await eventually(() => open() === 1, 2000, 'the socket is open');
        if (stream) await p;
        ctl.abort();
        await p;
        await eventually(() => open() === 0, 1000, `closed after a ${stream ? 'streaming' : 'non-streaming'} abort`);
      }
      for (const fault of ['[sim:status=500]', '[sim:inband-error=other]', '[sim:cut]', '[sim:stall=5000]', '[sim:done-status=cancelled]']) {
        await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `fail ${fault}` }] }).catch(() => undefined);
        await eventually(() => open() === 0, 2000, `closed after ${fault}`);
      }
    } finally {
      await h.close();
    }
  });
});
