// Claude model names → Grok models through anthropic.model_aliases (the shipped defaults and
// operator lists), and the config check of the entries' shape.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildModelRegistry, ConfigError, loadConfig } from '../../src/config/index.js';
import { resolveAnthropicModel } from '../../src/anthropic/model-aliases.js';
import { tempDataDir } from '../config/helpers.js';

function loaded(toml = '') {
  const config = loadConfig({ env: {}, dataDir: tempDataDir(toml) }).config;
  return { aliases: config.anthropic.model_aliases, registry: buildModelRegistry(config.models) };
}

function target(name: string, toml = ''): string {
  const { aliases, registry } = loaded(toml);
  const r = resolveAnthropicModel(name, aliases, registry);
  return r.ok ? r.model.spec.id : `error: ${r.message}`;
}

void describe('anthropic.model_aliases', () => {
  void it('defaults: opus → expert, sonnet → auto, haiku → fast, any other claude-* → auto', () => {
    assert.equal(target('claude-opus-4-1-20250805'), 'grok-chat-expert');
    assert.equal(target('claude-3-opus-latest'), 'grok-chat-expert');
    assert.equal(target('claude-sonnet-4-5'), 'grok-chat-auto');
    assert.equal(target('claude-3-7-sonnet-20250219'), 'grok-chat-auto');
    assert.equal(target('claude-3-5-haiku-latest'), 'grok-chat-fast');
    assert.equal(target('claude-haiku-4-5-20251001'), 'grok-chat-fast');
    assert.equal(target('claude-next-99'), 'grok-chat-auto');
    assert.equal(target('CLAUDE-OPUS-4'), 'grok-chat-expert');
  });

  void it('Grok model ids and aliases are used as they are; other names are not models', () => {
    assert.equal(target('grok-chat-fast'), 'grok-chat-fast');
    assert.equal(target('grok-4-heavy'), 'grok-chat-heavy');
    assert.match(target('gpt-4o'), /^error: model: gpt-4o is not a known model/);
    // "opus" inside a word is not the family name.
    assert.match(target('magnum-opusx'), /^error:/);
  });

  void it('an exact entry wins over the family entries; a target that is not a model is named in the error', () => {
    const toml = '[anthropic]\nmodel_aliases = ["opus=grok-chat-expert", "claude-opus-4-1=grok-chat-heavy", "*=grok-nope"]\n';
    assert.equal(target('claude-opus-4-1', toml), 'grok-chat-heavy');
    assert.equal(target('claude-opus-4', toml), 'grok-chat-expert');
    assert.match(target('claude-sonnet-4', toml), /maps to 'grok-nope' \(anthropic.model_aliases\), which does not exist/);
  });

  void it('entries that are not NAME=MODEL fail at start-up with the key named', () => {
    try {
      loaded('[anthropic]\nmodel_aliases = ["opus grok-chat-expert"]\n');
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      assert.ok(err.problems.some((p) => p.startsWith('anthropic.model_aliases') && p.includes('NAME=MODEL')), err.problems.join('\n'));
    }
  });
});
