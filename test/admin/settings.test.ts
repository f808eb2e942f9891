// /api/settings: every key with value, source and type; changes validated, saved to
// DATA_DIR/config.toml and applied live (the next chat call sees them); env-set keys read-only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loggedIn, type AdminClient } from './helpers.js';

interface Setting {
  key: string;
  value: unknown;
  default: unknown;
  source: string;
  readOnly: boolean;
  secret: boolean;
  isSet?: boolean;
  type: string;
  enum?: string[];
  min?: number;
  max?: number;
  description: string;
  envVar: string;
  applies: string;
}
interface SettingsBody {
  settings: Setting[];
  models: Array<{ id: string; enabled: boolean; source: string }>;
  applied?: string[];
  restartRequired?: string[];
}

const API_KEY = 'sk-test-settings-key-0123456789';
let c: AdminClient;
before(async () => {
  c = await loggedIn({ apiKey: API_KEY, env: { GROK2API_CHAT_SHOW_SEARCH_SOURCES: 'false', GROK2API_GROK_CF_CLEARANCE: 'cf-secret-clearance-value-123456' } });
});
after(async () => {
  for (const a of c.answers) {
    assert.equal(a.body.includes(API_KEY), false, `${a.method} ${a.path} leaked the API key`);
    assert.equal(a.body.includes('cf-secret-clearance-value-123456'), false, `${a.method} ${a.path} leaked cf_clearance`);
    assert.equal(a.body.includes('test-admin-password-123'), false, `${a.method} ${a.path} leaked the admin password`);
  }
  await c.close();
});

const get = async (): Promise<SettingsBody> => (await c.call('GET', '/api/settings')).json<SettingsBody>();
const setting = (b: SettingsBody, key: string): Setting => {
  const s = b.settings.find((x) => x.key === key);
  assert.ok(s, key);
  return s;
};

async function chatContent(): Promise<{ content: string; reasoning: string | undefined }> {
  const res = await c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'Think about it' }] });
  const msg = res.choices[0]?.message as unknown as { content: string; reasoning_content?: string };
  return { content: msg.content, reasoning: msg.reasoning_content };
}

void describe('admin settings', () => {
  void it('lists every key with value, source, type info and masked secrets', async () => {
    const b = await get();
    const reasoning = setting(b, 'chat.reasoning');
    assert.deepEqual(
      [reasoning.value, reasoning.default, reasoning.source, reasoning.readOnly, reasoning.type, reasoning.enum, reasoning.applies],
      ['reasoning_content', 'reasoning_content', 'default', false, 'enum', ['reasoning_content', 'think_tags', 'hidden'], 'live'],
    );
    assert.match(reasoning.description, /reasoning/);
    assert.equal(reasoning.envVar, 'GROK2API_CHAT_REASONING');
    const port = setting(b, 'server.port');
    assert.deepEqual([port.type, port.min, port.max, port.applies], ['integer', 1, 65535, 'restart']);
    const keys = setting(b, 'app.api_keys');
    assert.deepEqual([keys.secret, keys.isSet, keys.readOnly, keys.value], [true, true, true, ['sk-tes****6789']]);
    const cf = setting(b, 'grok.cf_clearance');
    assert.deepEqual([cf.source, cf.readOnly, cf.value], ['env', true, 'cf-sec****3456']);
    const pw = setting(b, 'admin.password');
    assert.equal(pw.readOnly, true);
    assert.notEqual(pw.value, 'test-admin-password-123');
    assert.equal(setting(b, 'calllog.max_entries').value, 10_000);
    assert.ok(b.models.some((m) => m.id === 'grok-chat-fast' && m.source === 'default'));
    assert.ok(b.settings.length > 40);
  });

  void it('applies chat.reasoning live: the next chat call reflects it, and config.toml has it', async () => {
    const before = await chatContent();
    assert.ok(before.reasoning && before.reasoning.length > 0);
    assert.doesNotMatch(before.content, /<think>/);

    const res = await c.call('POST', '/api/settings', { changes: { 'chat.reasoning': 'think_tags' } });
    assert.equal(res.status, 200, res.body);
    const body = res.json<SettingsBody>();
    assert.deepEqual(body.applied, ['chat.reasoning']);
    assert.deepEqual(body.restartRequired, []);
    assert.deepEqual([setting(body, 'chat.reasoning').value, setting(body, 'chat.reasoning').source], ['think_tags', 'file']);
    const after = await chatContent();
    assert.match(after.content, /^<think>[\s\S]+<\/think>/);
    assert.equal(after.reasoning, undefined);
    const toml = readFileSync(join(c.h.gw.loaded.dataDir, 'config.toml'), 'utf8');
    assert.match(toml, /\[chat\]\s*\nreasoning = "think_tags"/);

    // null removes the key from config.toml: the default applies again.
    await c.call('POST', '/api/settings', { changes: { 'chat.reasoning': null } });
    assert.equal(setting(await get(), 'chat.reasoning').source, 'default');
    assert.doesNotMatch((await chatContent()).content, /<think>/);
  });

  void it('refuses environment-set keys (409 naming the key), unknown keys and bad values', async () => {
    const env = await c.call('POST', '/api/settings', { changes: { 'chat.show_search_sources': true } });
    assert.equal(env.status, 409);
    const err = env.json<{ error: { code: string; param: string; message: string } }>().error;
    assert.equal(err.code, 'setting_read_only');
    assert.equal(err.param, 'changes.chat.show_search_sources');
    assert.match(err.message, /chat\.show_search_sources.*GROK2API_CHAT_SHOW_SEARCH_SOURCES/);

    const unknown = await c.call('POST', '/api/settings', { changes: { 'chat.nope': 1 } });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.json<{ error: { code: string } }>().error.code, 'unknown_setting');

    const bad = await c.call('POST', '/api/settings', { changes: { 'chat.reasoning': 'loud' } });
    assert.equal(bad.status, 400);
    const badErr = bad.json<{ error: { code: string; param: string; message: string } }>().error;
    assert.deepEqual([badErr.code, badErr.param], ['invalid_setting', 'changes.chat.reasoning']);
    assert.match(badErr.message, /chat\.reasoning: expected one of/);

    const pw = await c.call('POST', '/api/settings', { changes: { 'admin.password': 'something-new-123' } });
    assert.equal(pw.status, 400);
    assert.equal(pw.json<{ error: { code: string } }>().error.code, 'not_editable_here');

    assert.equal((await c.call('POST', '/api/settings', { changes: {} })).status, 400);
    assert.equal((await c.call('POST', '/api/settings', { nope: 1 })).status, 400);
    assert.equal(setting(await get(), 'chat.reasoning').value, 'reasoning_content', 'nothing was applied');
  });

  void it('reports keys that need a restart, and applies several keys at once', async () => {
    const res = await c.call('POST', '/api/settings', { changes: { 'server.body_limit_mb': 30, 'retry.max_attempts': 2, 'calllog.max_entries': 5000 } });
    assert.equal(res.status, 200, res.body);
    const body = res.json<SettingsBody>();
    assert.deepEqual(body.restartRequired, ['server.body_limit_mb']);
    assert.deepEqual(body.applied?.sort(), ['calllog.max_entries', 'retry.max_attempts']);
    assert.equal(c.h.gw.services.config().retry.max_attempts, 2);
    assert.equal(c.h.gw.services.config().server.body_limit_mb, 30);
  });

  void it('disables a model live (the registry is rebuilt)', async () => {
    const res = await c.call('POST', '/api/settings', { changes: { models: [{ id: 'grok-chat-fast', enabled: false }] } });
    assert.equal(res.status, 200, res.body);
    assert.equal(res.json<SettingsBody>().models.find((m) => m.id === 'grok-chat-fast')?.enabled, false);
    await assert.rejects(c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }] }), /does not exist or is disabled/);
    await c.call('POST', '/api/settings', { changes: { models: [{ id: 'grok-chat-fast', enabled: null }] } });
    const ok = await c.h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'x' }] });
    assert.ok(ok.choices[0]?.message.content);
  });
});
