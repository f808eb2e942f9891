import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig, saveOperatorConfig } from '../../src/config/index.js';
import { tempDataDir } from './helpers.js';

void describe('saveOperatorConfig', () => {
  void it('round trips through loadConfig and merges into what is there', () => {
    const dir = tempDataDir('# operator notes\n[server]\nport = 9000\n[no_such_section]\nkeep = "me"\n');
    saveOperatorConfig(dir, {
      chat: { reasoning: 'think_tags' },
      'app.api_keys': ['sk-one', 'sk-two'],
      models: [{ id: 'grok-chat-heavy', enabled: false }],
    });
    saveOperatorConfig(dir, { 'log.level': 'debug', models: [{ id: 'grok-chat-fast', description: 'x' }] });

    const loaded = loadConfig({ env: {}, dataDir: dir });
    assert.equal(loaded.config.server.port, 9000);
    assert.equal(loaded.config.chat.reasoning, 'think_tags');
    assert.deepEqual(loaded.config.app.api_keys, ['sk-one', 'sk-two']);
    assert.equal(loaded.config.log.level, 'debug');
    assert.equal(loaded.config.models.find((m) => m.id === 'grok-chat-heavy')?.enabled, false);
    assert.equal(loaded.config.models.find((m) => m.id === 'grok-chat-fast')?.description, 'x');
    assert.equal(loaded.sources['chat.reasoning'], 'file');
    // The operator's unknown section is kept (and still warned about), not silently lost.
    assert.ok(loaded.warnings.some((w) => w.includes('[no_such_section]')));
    assert.match(readFileSync(join(dir, 'config.toml'), 'utf8'), /keep = "me"/);
  });

  void it('null removes a key so the default applies again', () => {
    const dir = tempDataDir('[server]\nport = 9000\nhost = "127.0.0.1"\n');
    saveOperatorConfig(dir, { server: { port: null } });
    const { config, sources } = loadConfig({ env: {}, dataDir: dir });
    assert.equal(config.server.port, 8000);
    assert.equal(sources['server.port'], 'default');
    assert.equal(config.server.host, '127.0.0.1');
  });

  void it('creates the data directory and file; leaves no temp files; mode 0600', () => {
    const dir = join(tempDataDir(), 'nested', 'data');
    saveOperatorConfig(dir, { server: { port: 8111 } });
    assert.deepEqual(readdirSync(dir), ['config.toml']);
    if (process.platform !== 'win32') assert.equal(statSync(join(dir, 'config.toml')).mode & 0o777, 0o600);
    assert.equal(loadConfig({ env: {}, dataDir: dir }).config.server.port, 8111);
  });

  void it('rejects unknown keys and invalid values without touching the file', () => {
    const original = '[server]\nport = 9000\n';
    const dir = tempDataDir(original);
    assert.throws(
      () => saveOperatorConfig(dir, { server: { prot: 1 } }),
      (err: unknown) => err instanceof ConfigError && err.problems[0] === 'server.prot: unknown key',
    );
    assert.throws(
      () => saveOperatorConfig(dir, { 'server.port': 'abc' }),
      (err: unknown) =>
        err instanceof ConfigError && (err.problems[0] ?? '').startsWith('server.port: expected an integer between 1 and 65535, got "abc"'),
    );
    assert.throws(() => saveOperatorConfig(dir, { models: [{ id: 'x', colour: 'red' }] }), ConfigError);
    assert.equal(readFileSync(join(dir, 'config.toml'), 'utf8'), original);
    assert.deepEqual(readdirSync(dir), ['config.toml']);
  });

  void it('refuses to overwrite a config.toml with a syntax error', () => {
    const broken = '[server\nport = 1\n';
    const dir = tempDataDir(broken);
    assert.throws(() => saveOperatorConfig(dir, { 'server.port': 8001 }), ConfigError);
    assert.equal(readFileSync(join(dir, 'config.toml'), 'utf8'), broken);
  });
});
