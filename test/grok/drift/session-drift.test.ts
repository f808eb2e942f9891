// Drift checks of the session answer (GET /api/auth/session) and the redaction of kept samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSessionAnswer, DriftMonitor, redactSample } from '../../../src/grok/drift/index.js';

const kinds = (text: string): string[] => checkSessionAnswer(text).map((f) => `${f.kind} ${f.path} ${f.type}`);

void describe('session answer drift', () => {
  void it('the known answer forms give no finding', () => {
    assert.deepEqual(kinds(JSON.stringify({ session: { userId: 'c0ffee00-1234-4abc-8def-0123456789ab', email: 'a@b.c', organizationId: 'o' }, expires: '2030' })), []);
    assert.deepEqual(kinds(JSON.stringify({ user: { id: 'c0ffee00-1234-4abc-8def-0123456789ab', name: 'x' } })), []);
    assert.deepEqual(kinds(JSON.stringify({ status: 'unauthenticated' })), []);
  });

  void it('the id moved somewhere the gateway does not look', () => {
    assert.deepEqual(kinds(JSON.stringify({ account: { uuid: 'c0ffee00-1234-4abc-8def-0123456789ab' } })), ['missing-field session session.userId undefined']);
  });

  void it('a changed type and an HTML page are findings', () => {
    assert.deepEqual(kinds(JSON.stringify({ session: { userId: 42 } })), ['type-changed session.session.userId number', 'missing-field session session.userId undefined']);
    assert.deepEqual(kinds('<!DOCTYPE html><html>Just a moment...</html>'), ['html-body session answer html']);
  });
});

void describe('kept samples are redacted', () => {
  void it('drops credentials, emails and user text; cuts long strings', () => {
    const r = JSON.stringify(redactSample({ sso: 'eyJhbGciOi.secret', headers: { cookie: 'sso=abc' }, session: { email: 'someone@example.com' }, event: { delta: 'my secret prompt', note: 'x'.repeat(200) } }));
    for (const leaked of ['eyJhbGciOi', 'sso=abc', 'someone@example.com', 'my secret prompt']) assert.ok(!r.includes(leaked), `${leaked} in ${r}`);
    assert.match(r, /"delta":"\[16 chars\]"/);
    assert.match(r, /x{80}…/);
    assert.ok(!r.includes('x'.repeat(81)));
  });

  void it('the signature table is bounded; extra new signatures are only counted as dropped', () => {
    const m = new DriftMonitor({ sampleRate: 1, maxSignatures: 2 });
    for (const t of ['a', 'b', 'c', 'a']) m.report([{ kind: 'unknown-event', path: `mgw ${t}`, type: 'object' }], { source: 'mgw' }, () => null);
    assert.deepEqual(m.list().map((s) => [s.path, s.count]).sort(), [['mgw a', 2], ['mgw b', 1]]);
    assert.equal(m.dropped, 1);
  });

  void it('logs a warning only the first time a signature appears', () => {
    const lines: string[] = [];
    const m = new DriftMonitor({ sampleRate: 1, logger: { warn: (_o, msg) => lines.push(msg) } });
    for (let i = 0; i < 3; i++) m.report([{ kind: 'unknown-field', path: 'mgw x.y', type: 'string' }], { source: 'mgw' }, () => null);
    assert.equal(lines.length, 1);
  });

  void it('samples exactly one message in 1/rate', () => {
    const m = new DriftMonitor({ sampleRate: 0.05 });
    let n = 0;
    for (let i = 0; i < 2000; i++) if (m.sample()) n++;
    assert.equal(n, 100);
    const off = new DriftMonitor({ sampleRate: 0 });
    for (let i = 0; i < 100; i++) assert.equal(off.sample(), false);
  });
});
