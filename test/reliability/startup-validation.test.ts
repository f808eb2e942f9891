// A bad configuration stops start-up: exit code 1, one stderr line per problem naming the key and
// where the value came from, and nothing listening.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { exitWithin, freePort, spawnGateway } from './gateway-process.js';

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
      assert.match(gp.stderr(), /^storage error: .*redis.*ECONNREFUSED/m);
      assert.match(gp.stderr(), /did not start: the store is unreachable/);
      assert.ok(!/\n\s+at /.test(gp.stderr()), `no stack trace:\n${gp.stderr()}`);
      assert.ok(!`${gp.stderr()}${gp.stdout()}`.includes('hunter2-secret-password'), 'the password is never printed');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  void it('port already in use → exit 1 with one line naming the address', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'g2a-startup-'));
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
    try {
      const gp = spawnGateway({ DATA_DIR: dataDir, GROK2API_SSO_TOKENS: 'sso-startup-token-0002' }, port);
      assert.equal(await exitWithin(gp, 20_000), 1, gp.stderr());
      assert.match(gp.stderr(), new RegExp(`^listen error: cannot listen on 127\\.0\\.0\\.1:${port}: EADDRINUSE`, 'm'));
      assert.ok(!/\n\s+at /.test(gp.stderr()), `no stack trace:\n${gp.stderr()}`);
    } finally {
      await new Promise((r) => blocker.close(r));
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
