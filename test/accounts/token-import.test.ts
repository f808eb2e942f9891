import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePythonTokenFile, parseTokenLines } from '../../src/accounts/index.js';

void describe('token import', () => {
  void it('parses one token per line with optional tier and tags, reporting bad lines by number', () => {
    const r = parseTokenLines(['# comment', '', 'sso=abcdefgh123', 'tok2-abcdefgh super vip,team', 'http://u:p@127.0.0.1:8080@tok3-abcdefgh heavy', 'x', 'tok4-abcdefgh tier=gold'].join('\n'));
    assert.deepEqual(r.entries.map((e) => e.token), ['abcdefgh123', 'tok2-abcdefgh', 'tok3-abcdefgh']);
    assert.equal(r.entries[1]?.tier, 'super');
    assert.deepEqual(r.entries[1]?.tags, ['vip', 'team']);
    assert.equal(r.entries[2]?.proxyUrl, 'http://u:p@127.0.0.1:8080');
    assert.deepEqual(r.errors.map((e) => e.line), [6, 7]);
  });

  void it('reads the Python grok2api token files (Dec and Feb layouts)', () => {
    const dec = parsePythonTokenFile({ ssoNormal: { 'tok-normal-0001': { status: 'active' } }, ssoSuper: { 'tok-super-00001': {} } });
    assert.deepEqual(dec.entries.map((e) => [e.token, e.tier]), [['tok-normal-0001', 'basic'], ['tok-super-00001', 'super']]);
    const feb = parsePythonTokenFile({ ssoBasic: [{ token: 'sso=tok-basic-0001', note: 'n1', tags: ['a'] }], ssoSuper: [{ token: 'tok-super-00002' }] });
    assert.deepEqual(feb.entries.map((e) => [e.token, e.tier, e.note]), [['tok-basic-0001', 'basic', 'n1'], ['tok-super-00002', 'super', undefined]]);
    assert.equal(parsePythonTokenFile({ nothing: [] }).errors.length, 1);
  });
});
