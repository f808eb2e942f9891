// Protocol drift on the mgw socket: recorded frame sequences replayed through the event parser
// with every frame checked. The happy-path fixtures (what grok.com sends today) give no signature;
// each drift fixture (one change to the protocol) gives exactly one, and the answer is unchanged
// when the change is additive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DriftMonitor } from '../../../src/grok/drift/index.js';
import { mgwFixtureNames, replayMgw as replayMgwLines, replayMgwFixture } from '../mgw-replay.js';

function probe(sampleRate = 1): { monitor: DriftMonitor; context: { source: string; model: string } } {
  return { monitor: new DriftMonitor({ sampleRate }), context: { source: 'mgw', model: 'MODEL_MODE_FAST' } };
}

void describe('mgw drift detection on recorded frames', () => {
  for (const name of mgwFixtureNames()) {
    void it(`${name} (today's protocol) → no signature`, () => {
      const p = probe();
      replayMgwFixture(name, p);
      assert.deepEqual(p.monitor.list().map((s) => s.signature), []);
      assert.ok(p.monitor.checked > 0);
    });
  }

  const cases: Array<[string, string]> = [
    ['extra-event.jsonl', 'unknown-event mgw response.memory.updated object'],
    ['renamed-field.jsonl', 'renamed-field mgw response.chunk.chunk.text.text content:string'],
    ['changed-type.jsonl', 'type-changed mgw response.chunk.chunk.render_citation.url object'],
    ['unknown-error-code.jsonl', 'unknown-error-code mgw error.error.code CAPTCHA_REQUIRED'],
  ];
  for (const [name, signature] of cases) {
    void it(`drift/${name} → exactly one signature: ${signature}`, () => {
      const p = probe();
      replayMgwFixture(`drift/${name}`, p);
      const sigs = p.monitor.list();
      assert.deepEqual(sigs.map((s) => s.signature), [signature]);
      assert.equal(sigs[0]?.count, 1);
      assert.deepEqual(sigs[0]?.sources, ['mgw']);
      assert.deepEqual(sigs[0]?.models, ['MODEL_MODE_FAST']);
    });
  }

  void it('an additive change (a new event type) leaves the answer as it was', () => {
    const p = probe();
    const r = replayMgwFixture('drift/extra-event.jsonl', p);
    assert.equal(r.error, null);
    assert.deepEqual(r.events.filter((e) => e.type === 'token').map((e) => (e.type === 'token' ? e.text : '')), ['Hello there.', 'Hello there.']);
  });

  void it('keeps the first sample redacted: user text replaced, no credentials', () => {
    const p = probe();
    replayMgwFixture('drift/renamed-field.jsonl', p);
    const sample = JSON.stringify(p.monitor.list()[0]?.sample);
    assert.ok(!sample.includes('Hello there'), sample);
    assert.match(sample, /\[12 chars\]/);
  });

  void it('at the default rate only one frame in 20 is checked, but an error frame always is', () => {
    const p = probe(0.05);
    replayMgwFixture('drift/unknown-error-code.jsonl', p);
    assert.equal(p.monitor.checked, 1);
    assert.deepEqual(p.monitor.list().map((s) => s.kind), ['unknown-error-code']);
    const q = probe(0.05);
    replayMgwFixture('drift/changed-type.jsonl', q);
    // 5 frames, none sampled, none an error, and the turn answered: nothing checked.
    assert.equal(q.monitor.checked, 0);
    // An unknown event type is always found (the parser's table lookup is free).
    const r = probe(0);
    replayMgwFixture('drift/extra-event.jsonl', r);
    assert.equal(r.monitor.checked, 1);
    assert.deepEqual(r.monitor.list().map((s) => s.kind), ['unknown-event']);
  });

  void it('a turn that completes without an answer is checked whole and counted as an empty answer', () => {
    const p = probe(0);
    // The extra event appears in a turn with no answer text: found although the rate is 0.
    const lines = [
      '{"session_id":"s","event":{"type":"session.created","client_event_id":"evt_init_fixture"}}',
      '{"session_id":"s","event":{"type":"conversation.attached","conversation":{"id":"s"}}}',
      '{"session_id":"s","event":{"type":"response.answer_v2","answer":{"text":"hidden"}}}',
      '{"session_id":"s","event":{"type":"response.done","response":{"id":"r","status":"completed"}}}',
    ];
    replayMgwLines(lines, p);
    assert.deepEqual(p.monitor.list().map((s) => s.signature).sort(), ['empty-answer mgw response.done no-answer', 'unknown-event mgw response.answer_v2 object']);
  });

  void it('an HTML page where a JSON frame was expected is a finding', () => {
    const p = probe(0);
    replayMgwLines(['<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>'], p);
    assert.deepEqual(p.monitor.list().map((s) => s.signature), ['html-body mgw frame html']);
  });
});
