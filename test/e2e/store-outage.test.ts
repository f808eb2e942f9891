// While Redis is unreachable the gateway keeps serving from memory and says so in /ready; when it
// is back, the backlog of account changes is written and nothing is lost.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pino from 'pino';
import { accountIdFor } from '../../src/accounts/index.js';
import { createStore } from '../../src/store/index.js';
import { startHarness } from './harness.js';

/** A TCP relay in front of Redis that the test can cut and restore on the same port. */
class Relay {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      this.sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    });
    await new Promise<void>((r) => this.server?.listen(this.port, '127.0.0.1', r));
    const a = this.server.address();
    if (a && typeof a === 'object') this.port = a.port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

const TOKEN = 'sso-outage-000000000001';

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

void describe('storage outage (redis)', () => {
  void it('keeps serving, reports it in /ready, and writes the backlog when the store is back', async () => {
    const relay = new Relay();
    await relay.start();
    const prefix = `o${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const h = await startHarness({
      tokens: [TOKEN],
      overrides: { storage: { mode: 'redis', url: `redis://127.0.0.1:${relay.port}/0`, key_prefix: prefix } },
    });
    const ready = async () => (await fetch(h.baseURL.replace('/v1', '/ready'))).status;
    try {
      assert.equal(await ready(), 200);
      await relay.stop();
      for (let i = 0; i < 5; i++) {
        const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `during ${i}` }] });
        assert.equal(res.choices[0]?.message.content, `Echo: during ${i}`);
      }
      assert.ok(await waitFor(async () => (await ready()) === 503, 8000), '/ready reports the outage');
      const body = (await (await fetch(h.baseURL.replace('/v1', '/ready'))).json()) as { reasons: string[] };
      assert.match(body.reasons.join(' '), /storage \(redis\)/);

      await relay.start();
      assert.ok(await waitFor(async () => (await ready()) === 200, 15000), '/ready recovers');
      const direct = await createStore({ mode: 'redis', url: 'redis://127.0.0.1:6379/0', keyPrefix: prefix, dataDir: '/nonexistent', logger: pino({ level: 'silent' }) });
      try {
        const id = accountIdFor(TOKEN);
        assert.ok(
          await waitFor(async () => (await direct.accounts.loadAll()).find((r) => r.id === id)?.calls === 5, 5000),
          'all 5 calls made during the outage were persisted',
        );
      } finally {
        await direct.close();
      }
    } finally {
      await h.close();
      await relay.stop();
    }
  });
});
