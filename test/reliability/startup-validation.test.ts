// Start-up failures: exit code 1 and, on stderr, one line a human can act on (one per problem for a
// bad configuration, naming the key and where the value came from), no stack trace, nothing listening.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { exitWithin, freePort, spawnGateway, startGatewayProcess } from './gateway-process.js';

void describe('start-up validation (child process)', () => {
  void it('bad env values → exit 1, one "config error" line per problem naming each key', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-startup-'));
    // A bad value in the operator's config.toml is reported in the same run as the env ones.
    writeFileSync(join(dataDir, 'config.toml'), '[retry]\nmax_attempts = 0\n');
    try {
      const port = await freePort();
      const gp = spawnGateway(
        { DATA_DIR: dataDir, GROK2API_SERVER_PORT: 'abc', GROK2API_CHAT_REASONING: 'bogus', GROK2API_METRICS_ENABLED: 'maybe' },
        port,
      );
      const code = await exitWithin(gp, 20_000);
      assert.equal(code, 1, gp.stderr());
      const lines = gp.stderr().trim().split('\n');
      const problems = lines.filter((l) => l.startsWith('config error: '));
      assert.equal(problems.length, 4, `one line per problem:\n${gp.stderr()}`);
      const expect: Array<[string, string]> = [
        ['server.port', 'GROK2API_SERVER_PORT'],
        ['chat.reasoning', 'GROK2API_CHAT_REASONING'],
        ['metrics.enabled', 'GROK2API_METRICS_ENABLED'],
        ['retry.max_attempts', 'config.toml'],
      ];
      for (const [key, source] of expect) {
        const line = problems.find((l) => l.includes(key));
        assert.ok(line, `a line names ${key}:\n${gp.stderr()}`);
        assert.ok(line.includes(source), `${key}'s line says where the value came from: ${line}`);
      }
      assert.ok(problems.some((l) => l.includes('"abc"')), 'the bad value is quoted');
      assert.ok(!/\n\s+at /.test(gp.stderr()), 'no stack trace');
      assert.ok(lines.length <= problems.length + 1, `only the problems and one closing line:\n${gp.stderr()}`);
      const listening = await fetch(`http://127.0.0.1:${port}/health`).then(() => true, () => false);
      assert.equal(listening, false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('storage unreachable at start → exit 1 with one line naming the store, no password, no stack', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-startup-'));
    try {
      const gp = spawnGateway(
        { DATA_DIR: dataDir, STORAGE_MODE: 'redis', STORAGE_URL: 'redis://:hunter2-secret-password@127.0.0.1:1/0', GROK2API_SSO_TOKENS: 'sso-startup-token-0001' },
        await freePort(),
      );
      assert.equal(await exitWithin(gp, 20_000), 1, gp.stderr());
      assert.equal(gp.stderr().trim().split('\n').length, 1, `one line:\n${gp.stderr()}`);
      assert.match(gp.stderr(), /^storage error: .*redis.*ECONNREFUSED/m);
      assert.match(gp.stderr(), /did not start: the store is unreachable/);
      assert.ok(!/\n\s+at /.test(gp.stderr()), `no stack trace:\n${gp.stderr()}`);
      assert.ok(!`${gp.stderr()}${gp.stdout()}`.includes('hunter2-secret-password'), 'the password is never printed');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('port already in use → exit 1 with one line naming the address; the generated password waits for a start that works', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-startup-'));
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const gp = spawnGateway({ DATA_DIR: dataDir, GROK2API_SSO_TOKENS: 'sso-startup-token-0002', GROK2API_ADMIN_PASSWORD: '' }, port);
      assert.equal(await exitWithin(gp, 20_000), 1, gp.stderr());
      assert.equal(gp.stderr().trim().split('\n').length, 1, `one line:\n${gp.stderr()}`);
      assert.match(gp.stderr(), new RegExp(`^listen error: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE \\(another process is using this port\\)`, 'm'));
      assert.ok(!/\n\s+at /.test(gp.stderr()), `no stack trace:\n${gp.stderr()}`);
      // A password shown by a start that then failed would never be shown again (it is stored).
      assert.ok(!gp.stdout().includes('was generated'), `no password printed by a failed start:\n${gp.stdout()}`);

      const ok = await startGatewayProcess({ DATA_DIR: dataDir, GROK2API_ADMIN_PASSWORD: '' });
      try {
        // Log lines leave in batches (up to 50 ms after /health already answers): wait for the line.
        const pw = /password \\"([A-Za-z0-9_-]{24})\\"/;
        for (let i = 0; i < 100 && !pw.test(ok.stdout()); i++) await new Promise((r) => setTimeout(r, 50));
        const m = pw.exec(ok.stdout());
        assert.ok(m, `the next start prints the generated password:\n${ok.stdout()}`);
        const login = await fetch(`${ok.url}/api/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ username: 'admin', password: m[1] }),
        });
        assert.equal(login.status, 200, 'and it is the password in force');
      } finally {
        ok.child.kill('SIGTERM');
        await exitWithin(ok, 20_000);
      }
    } finally {
      await new Promise((r) => blocker.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('DATA_DIR not writable → exit 1 with one line naming the directory and the chown to run', async () => {
    // The container case: a root-owned bind mount, the gateway running as uid 1000. As root the
    // child is started as uid 1000; otherwise the directory is made read-only for the runner.
    const parent = mkdtempSync(join(tmpdir(), 'g2a-startup-'));
    const dataDir = join(parent, 'data');
    mkdirSync(dataDir);
    const root = process.getuid?.() === 0;
    const as = root ? { uid: 1000, gid: 1000 } : undefined;
    if (root) chmodSync(parent, 0o755);
    else chmodSync(dataDir, 0o555);
    try {
      const gp = spawnGateway({ DATA_DIR: dataDir, GROK2API_SSO_TOKENS: 'sso-startup-token-0003', GROK2API_ADMIN_PASSWORD: '' }, await freePort(), as);
      assert.equal(await exitWithin(gp, 20_000), 1, gp.stderr());
      const lines = gp.stderr().trim().split('\n');
      assert.equal(lines.length, 1, `one line:\n${gp.stderr()}`);
      const uid = as?.uid ?? process.getuid?.() ?? 0;
      assert.match(lines[0] ?? '', new RegExp(`did not start: data directory ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(DATA_DIR\\) is not writable by uid ${uid} \\(EACCES\\)`));
      assert.match(lines[0] ?? '', new RegExp(`chown -R ${uid}:`));
      assert.ok(!`${gp.stderr()}${gp.stdout()}`.includes('was generated'), 'no password printed');
    } finally {
      chmodSync(dataDir, 0o755);
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
