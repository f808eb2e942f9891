// SIGTERM lets in-flight streams finish, refuses new connections, writes pending account changes
// and exits 0; a second signal exits at once (130). Runs src/main.ts as a real child process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accountIdFor } from '../../src/accounts/index.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { startHarness } from '../e2e/harness.js';
import { exitWithin, startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const KEY = 'sk-shutdown-test-key-0001';
const TOKEN = 'sso-shutdown-token-000001';

function streamChat(gp: GatewayProcess, content: string): Promise<Response> {
  return fetch(`${gp.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content }] }),
  });
}

/** True when a fresh TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

async function readAll(res: Response, onFirstChunk: () => void): Promise<string> {
  const reader = res.body?.getReader();
  assert.ok(reader);
  const dec = new TextDecoder();
  let text = '';
  let first = true;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += dec.decode(value, { stream: true });
    if (first) {
      first = false;
      onFirstChunk();
    }
  }
}

void describe('graceful shutdown (child process)', () => {
  let sim: FakeGrok;
  const dirs: string[] = [];
  const env = (dataDir: string): Record<string, string> => ({
    DATA_DIR: dataDir,
    GROK2API_GROK_BASE_URL: sim.baseUrl,
    GROK2API_GROK_ASSETS_URL: sim.assetsUrl,
    GROK2API_SSO_TOKENS: TOKEN,
    GROK2API_APP_API_KEYS: KEY,
    GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
    // No periodic flush during the test: only the shutdown flush can have written the call count.
    GROK2API_ACCOUNTS_FLUSH_INTERVAL: '600',
    GROK2API_SERVER_SHUTDOWN_TIMEOUT: '10',
    GROK2API_LOG_LEVEL: 'info',
  });
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'g2a-shutdown-'));
    dirs.push(d);
    return d;
  };

  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0, tokens: { [TOKEN]: {} } });
  });
  after(async () => {
    await sim.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  void it('SIGTERM mid-stream: the stream completes, new connections are refused, the account is flushed, exit 0', async () => {
    const dataDir = tempDir();
    const gp = await startGatewayProcess(env(dataDir));
    try {
      const started = Date.now();
      const res = await streamChat(gp, 'long one [sim:tokens=100] [sim:delay=20] [sim:no-thinking]');
      assert.equal(res.status, 200);
      let signalledAt = 0;
      const text = readAll(res, () => {
        signalledAt = Date.now();
        gp.child.kill('SIGTERM');
      });
      // While the stream is still running, the listening socket is already gone.
      let refusedAt = 0;
      for (let i = 0; i < 100 && !refusedAt; i++) {
        await new Promise((r) => setTimeout(r, 20));
        if (signalledAt && (await refused(gp.port))) refusedAt = Date.now();
      }
      const body = await text;
      const endedAt = Date.now();
      assert.ok(refusedAt > 0, 'new connections are refused after SIGTERM');
      assert.ok(refusedAt < endedAt, 'refused while the stream was still in flight');
      assert.ok(body.endsWith('data: [DONE]\n\n'), `the stream completed normally: …${body.slice(-200)}`);
      assert.ok(body.includes('w99 '), 'every token arrived');
      assert.ok(!body.includes('"error"'));
      assert.ok(endedAt - started >= 1500, `the stream really was long (${endedAt - started} ms)`);
      assert.equal(await exitWithin(gp, 15_000), 0, gp.stderr());
      // Not held up by the client's kept-alive connection once the stream is over.
      assert.ok(Date.now() - endedAt < 2000, `exited ${Date.now() - endedAt} ms after the stream ended`);
      assert.match(gp.stdout(), /"msg":"shutdown complete"/);
      const saved = JSON.parse(readFileSync(join(dataDir, 'accounts.json'), 'utf8')) as { accounts: Array<{ id: string; calls: number; lastSuccessAt: number }> };
      const rec = saved.accounts.find((a) => a.id === accountIdFor(TOKEN));
      assert.ok(rec, 'the account was written at shutdown');
      assert.equal(rec.calls, 1, 'the call that finished during shutdown is counted');
      assert.ok(rec.lastSuccessAt >= started);
    } finally {
      gp.child.kill('SIGKILL');
    }
  });

  void it('an idle gateway stops at once (no wait for keep-alive connections)', async () => {
    const gp = await startGatewayProcess(env(tempDir()));
    try {
      // Leave a kept-alive connection behind, as any HTTP client does.
      const models = await fetch(`${gp.url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(models.status, 200);
      await models.text();
      const t0 = Date.now();
      gp.child.kill('SIGTERM');
      assert.equal(await exitWithin(gp, 15_000), 0, gp.stderr());
      assert.ok(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
    } finally {
      gp.child.kill('SIGKILL');
    }
  });

  void it('a stream longer than server.shutdown_timeout is cut at the timeout; exit 0', async () => {
    const gp = await startGatewayProcess({ ...env(tempDir()), GROK2API_SERVER_SHUTDOWN_TIMEOUT: '0.5' });
    try {
      const res = await streamChat(gp, 'endless [sim:tokens=1000] [sim:delay=20] [sim:no-thinking]');
      const t0 = Date.now();
      const text = readAll(res, () => gp.child.kill('SIGTERM')).catch(() => 'cut');
      assert.equal(await exitWithin(gp, 15_000), 0, gp.stderr());
      const elapsed = Date.now() - t0;
      assert.ok(elapsed >= 400 && elapsed < 5000, `exited after the drain time (${elapsed} ms)`);
      const body = await text;
      assert.ok(!body.endsWith('data: [DONE]\n\n'), 'the stream did not complete');
      assert.match(gp.stdout(), /drain time is over/);
    } finally {
      gp.child.kill('SIGKILL');
    }
  });

  void it('a second signal exits at once with code 130', async () => {
    const gp = await startGatewayProcess(env(tempDir()));
    try {
      const res = await streamChat(gp, 'long one [sim:tokens=500] [sim:delay=20] [sim:no-thinking]');
      const text = readAll(res, () => {
        gp.child.kill('SIGTERM');
        setTimeout(() => gp.child.kill('SIGINT'), 200);
      }).catch(() => 'cut');
      const t0 = Date.now();
      assert.equal(await exitWithin(gp, 15_000), 130, gp.stderr());
      assert.ok(Date.now() - t0 < 3000, 'did not wait for the 10 s stream');
      assert.ok(!(await text).endsWith('data: [DONE]\n\n'));
      assert.match(gp.stdout(), /second signal/);
    } finally {
      gp.child.kill('SIGKILL');
    }
  });
});

void describe('while draining (in process)', () => {
  void it('a request on a connection that was already open gets 503 shutting_down with Connection: close', { timeout: 30_000 }, async () => {
    const h = await startHarness({ apiKey: KEY });
    let closing: Promise<void> | undefined;
    try {
      const started = await fetch(`${h.baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: 'grok-chat-fast', stream: true, messages: [{ role: 'user', content: 'x [sim:tokens=40] [sim:delay=20]' }] }),
      });
      assert.equal(started.status, 200);
      const stream = started.text();
      // A client in the middle of sending its request when the shutdown starts (so its connection
      // is not idle and is not closed with the idle ones).
      const sock = connect(Number(new URL(h.baseURL).port), '127.0.0.1');
      await new Promise((r) => sock.once('connect', r));
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString()));
      sock.write('GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((r) => setTimeout(r, 50));
      closing = h.gw.close();
      await new Promise((r) => setTimeout(r, 50));
      sock.write(`Authorization: Bearer ${KEY}\r\n\r\n`);
      await Promise.race([new Promise((r) => sock.once('close', r)), new Promise((r) => setTimeout(r, 5000))]);
      sock.destroy();
      assert.match(got, /^HTTP\/1\.1 503 /);
      assert.match(got, /\r\nConnection: close\r\n/i);
      assert.match(got, /\r\nx-content-type-options: nosniff\r\n/i);
      const body = JSON.parse(got.slice(got.indexOf('\r\n\r\n') + 4)) as { error: { code: string; type: string } };
      assert.equal(body.error.code, 'shutting_down');
      assert.ok((await stream).endsWith('data: [DONE]\n\n'), 'the stream in flight still completed');
    } finally {
      await (closing ?? h.gw.close());
      await h.sim.close();
    }
  });
});
