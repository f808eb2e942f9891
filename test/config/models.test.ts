import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModelRegistry, ConfigError, loadConfig, type AppConfig, type ModelSpec } from '../../src/config/index.js';
import { tempDataDir } from './helpers.js';

function models(toml: string): AppConfig['models'] {
  return loadConfig({ env: {}, dataDir: tempDataDir(toml) }).config.models;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
  assert.fail('expected a ConfigError');
}

void describe('default models', () => {
  void it('have the documented modes, tiers and buckets', () => {
    const byId = new Map(models('').map((m) => [m.id, m]));
    const row = (id: string): string => {
      const m = byId.get(id);
      assert.ok(m, id);
      return [m.kind, m.mode ?? m.upstream_model, m.tier, m.bucket, m.aliases.join('|')].join(' ');
    };
    assert.equal(row('grok-chat-fast'), 'chat fast basic fast grok-3-fast|grok-4-fast');
    assert.equal(row('grok-chat-auto'), 'chat auto super auto grok-4.1');
    assert.equal(row('grok-chat-expert'), 'chat expert super expert grok-4.1-thinking');
    assert.equal(row('grok-chat-heavy'), 'chat heavy heavy heavy grok-4-heavy');
    assert.equal(row('grok-imagine-image-lite'), 'image fast basic fast ');
    assert.equal(row('grok-imagine-image'), 'image speed super auto grok-imagine-1.0|dall-e-2|dall-e-3|gpt-image-1');
    assert.equal(row('grok-imagine-image-pro'), 'image quality super auto ');
    assert.equal(row('grok-imagine-image-edit'), 'image-edit imagine-image-edit super auto grok-imagine-1.0-edit');
    assert.equal(row('grok-imagine-video'), 'video imagine-video-gen super auto grok-imagine-0.9|grok-imagine-1.0-video');
    for (const m of byId.values()) assert.equal(m.enabled, true);
  });
});

void describe('operator [[models]] merge by id', () => {
  void it('disables, overrides given fields only, and adds', () => {
    const dir = tempDataDir(`
[[models]]
id = "grok-chat-heavy"
enabled = false

[[models]]
id = "grok-chat-fast"
description = "cheap"
aliases = ["fast"]

[[models]]
id = "grok-4.3-beta"
kind = "chat"
mode = "grok-420-computer-use-sa"
tier = "super"
bucket = "grok-420-computer-use-sa"
`);
    const loaded = loadConfig({ env: {}, dataDir: dir });
    const list = loaded.config.models;
    assert.equal(list.length, 10);
    const fast = list.find((m) => m.id === 'grok-chat-fast');
    assert.equal(fast?.description, 'cheap');
    assert.deepEqual(fast?.aliases, ['fast']);
    assert.equal(fast?.mode, 'fast');
    assert.equal(fast?.tier, 'basic');
    assert.equal(list.find((m) => m.id === 'grok-chat-heavy')?.enabled, false);
    const added = list.find((m) => m.id === 'grok-4.3-beta');
    assert.deepEqual(added, {
      id: 'grok-4.3-beta',
      kind: 'chat',
      mode: 'grok-420-computer-use-sa',
      tier: 'super',
      bucket: 'grok-420-computer-use-sa',
      aliases: [],
      enabled: true,
      description: '',
    });
    assert.equal(loaded.sources['models.grok-chat-heavy'], 'file');
    assert.equal(loaded.sources['models.grok-4.3-beta'], 'file');
    assert.equal(loaded.sources['models.grok-chat-auto'], 'default');

    const registry = buildModelRegistry(list);
    assert.equal(registry.resolve('grok-chat-heavy'), undefined);
    assert.equal(registry.resolve('grok-4-heavy'), undefined);
    assert.equal(registry.resolve('fast')?.id, 'grok-chat-fast');
    assert.equal(registry.resolve('grok-3-fast'), undefined);
    assert.equal(registry.list().length, 9);
    assert.equal(registry.all().length, 10);
  });

  void it('a new model with missing fields names the model and the file', () => {
    const dir = tempDataDir('[[models]]\nid = "mine"\nkind = "chat"\nmode = "fast"\n');
    const problems = problemsOf(() => loadConfig({ env: {}, dataDir: dir }));
    assert.equal(problems.length, 2);
    assert.ok(problems.some((p) => p.startsWith('models.mine.tier: expected one of "basic", "super", "heavy", got nothing (from file ')));
    assert.ok(problems.some((p) => p.startsWith('models.mine.bucket: ')));
  });

  void it('mode must fit the kind; image-edit and video need upstream_model', () => {
    const dir = tempDataDir(`
[[models]]
id = "grok-chat-fast"
mode = "quality"
[[models]]
id = "grok-imagine-video"
upstream_model = ""
`);
    const problems = problemsOf(() => loadConfig({ env: {}, dataDir: dir }));
    assert.ok(problems.some((p) => p.startsWith('models.grok-chat-fast.mode: expected a chat mode')), problems.join('\n'));
    assert.ok(problems.some((p) => p.startsWith('models.grok-imagine-video.upstream_model: ')), problems.join('\n'));
  });

  void it('an alias may not name another enabled model', () => {
    const dir = tempDataDir('[[models]]\nid = "grok-chat-auto"\naliases = ["grok-chat-fast"]\n');
    const problems = problemsOf(() => loadConfig({ env: {}, dataDir: dir }));
    assert.equal(problems.length, 1);
    assert.match(problems[0] ?? '', /^models\.grok-chat-auto\.aliases\[0\]: expected an unused name/);
  });

  void it('a disabled model frees its id for another model’s alias', () => {
    const list = models(`
[[models]]
id = "grok-chat-heavy"
enabled = false
[[models]]
id = "grok-chat-expert"
aliases = ["grok-chat-heavy"]
`);
    assert.equal(buildModelRegistry(list).resolve('grok-chat-heavy')?.id, 'grok-chat-expert');
  });

  void it('an entry without id is a problem; unknown model fields are warnings', () => {
    const noId = tempDataDir('[[models]]\nkind = "chat"\n');
    assert.match(problemsOf(() => loadConfig({ env: {}, dataDir: noId }))[0] ?? '', /^models\[0\]\.id: expected a non-empty model id/);
    const extra = tempDataDir('[[models]]\nid = "grok-chat-fast"\ncolour = "red"\n');
    const { warnings } = loadConfig({ env: {}, dataDir: extra });
    assert.deepEqual(warnings.length, 1);
    assert.match(warnings[0] ?? '', /models\.grok-chat-fast\.colour/);
  });
});

void describe('buildModelRegistry', () => {
  const spec = (id: string, extra: Partial<ModelSpec> = {}): ModelSpec => ({
    id,
    kind: 'chat',
    mode: 'fast',
    tier: 'basic',
    bucket: 'fast',
    aliases: [],
    enabled: true,
    description: '',
    ...extra,
  });

  void it('resolves ids and aliases to the canonical spec; lists public ids only', () => {
    const registry = buildModelRegistry([spec('a', { aliases: ['a1', 'a2'] }), spec('b'), spec('c', { enabled: false, aliases: ['c1'] })]);
    assert.equal(registry.resolve('a')?.id, 'a');
    assert.equal(registry.resolve('a2'), registry.resolve('a'));
    assert.equal(registry.resolve('c'), undefined);
    assert.equal(registry.resolve('c1'), undefined);
    assert.equal(registry.resolve('nope'), undefined);
    assert.deepEqual(
      registry.list().map((m) => m.id),
      ['a', 'b'],
    );
  });

  void it('an id wins over another model’s alias', () => {
    const registry = buildModelRegistry([spec('a', { aliases: ['b'] }), spec('b')]);
    assert.equal(registry.resolve('b')?.id, 'b');
  });
});
