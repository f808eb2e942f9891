import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { ConfigError, configSchema, findDefaultsPath, loadConfig, type LoadedConfig } from '../../src/config/index.js';
import { tempDataDir } from './helpers.js';

function load(opts: { toml?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  return loadConfig({ env: opts.env ?? {}, dataDir: tempDataDir(opts.toml) });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

void describe('defaults', () => {
  void it('load and validate with the documented values', () => {
    const { config, sources, warnings } = load();
    assert.deepEqual(warnings, []);
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(config.server.port, 8000);
    assert.equal(config.server.body_limit_mb, 20);
    assert.deepEqual(config.server.cors_origins, ['*']);
    assert.deepEqual(config.app.api_keys, []);
    assert.equal(config.grok.base_url, 'https://grok.com');
    assert.match(config.grok.user_agent, /Chrome\/146\.0\.0\.0/);
    assert.equal(config.chat.reasoning, 'reasoning_content');
    assert.deepEqual(config.retry.statuses, [401, 403, 429, 502]);
    assert.equal(config.retry.backoff_base, 0.5);
    assert.equal(config.storage.mode, 'file');
    assert.equal(config.models.length, 9);
    assert.equal(sources['server.port'], 'default');
    assert.equal(sources['models.grok-chat-fast'], 'default');
  });

  void it('every schema key has a value and a comment in config.defaults.toml', () => {
    const lines = readFileSync(findDefaultsPath(), 'utf8').split('\n');
    for (const [section, schema] of Object.entries(configSchema.shape)) {
      if (!(schema instanceof z.ZodObject)) continue;
      const start = lines.indexOf(`[${section}]`);
      assert.ok(start >= 0, `section [${section}] missing`);
      for (const key of Object.keys(schema.shape)) {
        const at = lines.findIndex((l, i) => i > start && l.startsWith(`${key} = `));
        assert.ok(at > start, `${section}.${key} missing`);
        assert.match(lines[at - 1] ?? '', /^#/, `${section}.${key} has no comment above it`);
      }
    }
  });

  void it('DATA_DIR comes from the environment when not given', () => {
    const dir = tempDataDir('[server]\nport = 8123\n');
    const loaded = loadConfig({ env: { DATA_DIR: dir } });
    assert.equal(loaded.dataDir, dir);
    assert.equal(loaded.config.server.port, 8123);
  });

  void it('a missing config.toml is fine', () => {
    const loaded = loadConfig({ env: {}, dataDir: join(tempDataDir(), 'does-not-exist') });
    assert.equal(loaded.config.server.port, 8000);
  });
});

void describe('layers', () => {
  void it('the operator file overrides defaults', () => {
    const { config, sources } = load({ toml: '[server]\nport = 9000\n[chat]\nreasoning = "hidden"\n' });
    assert.equal(config.server.port, 9000);
    assert.equal(config.chat.reasoning, 'hidden');
    assert.equal(config.server.host, '0.0.0.0');
    assert.equal(sources['server.port'], 'file');
    assert.equal(sources['server.host'], 'default');
  });

  void it('the environment overrides the file', () => {
    const { config, sources } = load({
      toml: '[server]\nport = 9000\n',
      env: { GROK2API_SERVER_PORT: '9100' },
    });
    assert.equal(config.server.port, 9100);
    assert.equal(sources['server.port'], 'env');
  });

  void it('overrides apply after the environment', () => {
    const loaded = loadConfig({
      env: { GROK2API_SERVER_PORT: '9100' },
      dataDir: tempDataDir(),
      overrides: { server: { port: 9200 }, models: [{ id: 'grok-chat-heavy', enabled: false }] },
    });
    assert.equal(loaded.config.server.port, 9200);
    assert.equal(loaded.config.models.find((m) => m.id === 'grok-chat-heavy')?.enabled, false);
  });
});

void describe('environment coercion', () => {
  void it('lists, numbers and booleans', () => {
    const { config } = load({
      env: {
        GROK2API_APP_API_KEYS: 'sk-a, sk-b,,sk-c',
        GROK2API_RETRY_STATUSES: '429,503',
        GROK2API_RETRY_BACKOFF_BASE: '0.25',
        GROK2API_SERVER_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8',
        GROK2API_GROK_TEMPORARY: '0',
        GROK2API_LOG_REQUESTS: 'FALSE',
        GROK2API_CHAT_SHOW_SEARCH_SOURCES: '1',
        GROK2API_SERVER_CORS_ORIGINS: '[]',
      },
    });
    assert.deepEqual(config.app.api_keys, ['sk-a', 'sk-b', 'sk-c']);
    assert.deepEqual(config.retry.statuses, [429, 503]);
    assert.equal(config.retry.backoff_base, 0.25);
    assert.equal(config.server.trust_proxy, '127.0.0.1, 10.0.0.0/8');
    assert.equal(config.grok.temporary, false);
    assert.equal(config.log.requests, false);
    assert.equal(config.chat.show_search_sources, true);
    assert.deepEqual(config.server.cors_origins, []);
  });

  void it('a JSON array is accepted for lists', () => {
    const { config } = load({ env: { GROK2API_APP_API_KEYS: '["k,1","k2"]' } });
    assert.deepEqual(config.app.api_keys, ['k,1', 'k2']);
  });

  void it('an empty variable counts as unset (docker compose passes VAR= for unset ones)', () => {
    const { config, warnings } = load({
      env: { GROK2API_SERVER_PORT: '', GROK2API_LOG_REQUESTS: ' ', GROK2API_GROK_USER_AGENT: '', GROK2API_SERVER_CORS_ORIGINS: '' },
    });
    assert.equal(config.server.port, 8000);
    assert.equal(config.log.requests, true);
    assert.match(config.grok.user_agent, /Chrome/);
    assert.deepEqual(config.server.cors_origins, ['*']);
    assert.deepEqual(warnings, []);
  });

  void it('PORT and HOST, with the GROK2API_ form winning', () => {
    assert.equal(load({ env: { PORT: '3000', HOST: '127.0.0.1' } }).config.server.port, 3000);
    assert.equal(load({ env: { PORT: '3000', HOST: '127.0.0.1' } }).config.server.host, '127.0.0.1');
    const both = load({ env: { PORT: '3000', GROK2API_SERVER_PORT: '4000' } });
    assert.equal(both.config.server.port, 4000);
    assert.deepEqual(both.warnings, []);
  });

  void it('STORAGE_MODE and STORAGE_URL', () => {
    const { config, sources } = load({ env: { STORAGE_MODE: 'redis', STORAGE_URL: 'redis://127.0.0.1:6379/0' } });
    assert.equal(config.storage.mode, 'redis');
    assert.equal(config.storage.url, 'redis://127.0.0.1:6379/0');
    assert.equal(sources['storage.mode'], 'env');
  });

  void it('an unknown GROK2API_ variable is a warning naming it', () => {
    const { warnings } = load({
      env: { GROK2API_SERVER_PROT: '1', GROK2API_NOPE: 'x', GROK2API_SSO_TOKENS: 'abc', OTHER: '1' },
    });
    assert.equal(warnings.length, 2);
    assert.ok(warnings.some((w) => w.includes('GROK2API_SERVER_PROT')));
    assert.ok(warnings.some((w) => w.includes('GROK2API_NOPE')));
  });
});

void describe('errors', () => {
  void it('a bad env value names the key and the variable', () => {
    const problems = problemsOf(() => load({ env: { GROK2API_SERVER_PORT: 'abc' } }));
    assert.deepEqual(problems, [
      'server.port: expected an integer between 1 and 65535, got "abc" (from env GROK2API_SERVER_PORT)',
    ]);
  });

  void it('a bad file value names the key and the file; every problem is listed', () => {
    const dir = tempDataDir('[chat]\nreasoning = "loud"\n[retry]\nstatuses = [429, 1000]\n[log]\nlevel = 3\n');
    const problems = problemsOf(() => loadConfig({ env: { GROK2API_LOG_REQUESTS: 'maybe' }, dataDir: dir }));
    const file = join(dir, 'config.toml');
    assert.equal(problems.length, 4);
    assert.ok(problems.includes(`chat.reasoning: expected one of "reasoning_content", "think_tags", "hidden", got "loud" (from file ${file})`));
    assert.ok(problems.includes(`retry.statuses[1]: expected an integer between 100 and 599, got 1000 (from file ${file})`));
    assert.ok(problems.some((p) => p.startsWith('log.level: expected one of') && p.endsWith(`got 3 (from file ${file})`)));
    assert.ok(problems.includes('log.requests: expected true or false, got "maybe" (from env GROK2API_LOG_REQUESTS)'));
  });

  void it('secret values are masked in problems', () => {
    const secret = 'mysql-password-that-is-long';
    const problems = problemsOf(() => load({ env: { GROK2API_STORAGE_URL: secret, GROK2API_STORAGE_MODE: 'mongo' } }));
    assert.ok(!problems.join('\n').includes(secret));
  });

  void it('storage.url is required for redis and mysql', () => {
    const problems = problemsOf(() => load({ env: { STORAGE_MODE: 'mysql' } }));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^storage\.url: expected a connection URL when storage.mode is "mysql"/);
  });

  void it('a section that is not a table is a problem', () => {
    const problems = problemsOf(() => load({ toml: 'server = 5\n' }));
    assert.match(problems[0] ?? '', /^server: expected a table, got 5 \(from file /);
  });

  void it('a TOML syntax error names the file and line', () => {
    const dir = tempDataDir('[server]\nport = 8000\nhost = \n');
    const problems = problemsOf(() => loadConfig({ env: {}, dataDir: dir }));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', new RegExp(`^${join(dir, 'config.toml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:\\d+: TOML syntax error`));
  });

  void it('the error message lists the problems', () => {
    try {
      load({ env: { GROK2API_SERVER_PORT: '0' } });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /server\.port: expected an integer between 1 and 65535, got 0/);
    }
  });

  void it('unknown keys and sections in the file are warnings', () => {
    const { warnings, config } = load({ toml: '[server]\nprot = 1\nport = 8100\n[no_such_section]\nurl = "x"\n' });
    assert.equal(config.server.port, 8100);
    assert.equal(warnings.length, 2);
    assert.ok(warnings.some((w) => w.includes('server.prot')));
    assert.ok(warnings.some((w) => w.includes('[no_such_section]')));
  });
});

void describe('derived values', () => {
  void it('ws_url is derived from base_url', () => {
    assert.equal(load().config.grok.ws_url, 'wss://grok.com/ws/imagine/listen');
    const local = load({ env: { GROK2API_GROK_BASE_URL: 'http://127.0.0.1:5005/some/path/' } }).config.grok;
    assert.equal(local.ws_url, 'ws://127.0.0.1:5005/ws/imagine/listen');
    assert.equal(local.base_url, 'http://127.0.0.1:5005/some/path');
  });

  void it('an explicit ws_url is kept', () => {
    const { config } = load({ toml: '[grok]\nws_url = "wss://example.com/ws"\n' });
    assert.equal(config.grok.ws_url, 'wss://example.com/ws');
  });

  void it('a non-http base_url is rejected', () => {
    const problems = problemsOf(() => load({ env: { GROK2API_GROK_BASE_URL: 'grok.com' } }));
    assert.match(problems[0] ?? '', /^grok\.base_url: expected an absolute http or https URL, got "grok.com"/);
  });
});

void describe('x-statsig-id settings', () => {
  const seventy = Buffer.alloc(70, 1).toString('base64');

  void it('local by default; manual needs a base64 value, signer a URL', () => {
    assert.equal(load().config.grok.statsig_mode, 'local');
    const notBase64 = problemsOf(() => load({ toml: '[grok]\nstatsig_mode = "manual"\nstatsig_id = "not base64!"\n' }));
    assert.match(notBase64.join('\n'), /grok\.statsig_id: expected the base64 x-statsig-id value/);
    const empty = problemsOf(() => load({ toml: '[grok]\nstatsig_mode = "manual"\n' }));
    assert.match(empty.join('\n'), /grok\.statsig_id/);
    const noSigner = problemsOf(() => load({ toml: '[grok]\nstatsig_mode = "signer"\n' }));
    assert.match(noSigner.join('\n'), /grok\.statsig_signer_url: expected the URL of a signer service/);
    assert.match(problemsOf(() => load({ toml: '[grok]\nstatsig_mode = "url"\n' })).join('\n'), /grok\.statsig_mode/);
  });

  void it('a manual value of 70 bytes loads quietly; another length loads with a warning', () => {
    const ok = load({ toml: `[grok]\nstatsig_mode = "manual"\nstatsig_id = "${seventy}"\n` });
    assert.deepEqual(ok.warnings, []);
    assert.equal(ok.config.grok.statsig_id, seventy);
    const short = load({ toml: '[grok]\nstatsig_mode = "manual"\nstatsig_id = "c2hvcnQ="\n' });
    assert.equal(short.warnings.length, 1);
    assert.match(short.warnings[0] ?? '', /grok\.statsig_id decodes to 5 bytes/);
  });
});
