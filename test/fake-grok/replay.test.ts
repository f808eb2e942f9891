// Replay mode sends a recorded fixture verbatim over the real wire: the REST body is the file's bytes,
// the mgw socket sends the file's lines (non-JSON ones too), answering the client's own event id.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { MGW_WS_PATH, startFakeGrok, userIdFor, type FakeGrok } from './index.js';
import { chat } from './test-client.js';

const fixture = (p: string): string => fileURLToPath(new URL(`../fixtures/${p}`, import.meta.url));

void describe('simulator: replay mode', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({
      tokens: { 'sso-replay-rest-0001': { replay: fixture('ndjson/malformed.ndjson') }, 'sso-replay-mgw-0001': { replay: fixture('mgw/reasoning-answer.jsonl') } },
    });
  });
  after(async () => {
    await sim.close();
  });

  void it('REST: the stream body is the fixture file, byte for byte', async () => {
    const res = await chat(sim.baseUrl, 'sso-replay-rest-0001', 'hi [sim:cut]');
    assert.equal(res.status, 200);
    assert.equal(res.text, readFileSync(fixture('ndjson/malformed.ndjson'), 'utf8'));
  });

  void it('mgw: the handshake answers our event id, then the recorded frames follow verbatim', async () => {
    const t = 'sso-replay-mgw-0001';
    const ws = new WebSocket(`${sim.baseUrl.replace('http', 'ws')}${MGW_WS_PATH}?uid=${userIdFor(t)}`, { headers: { cookie: `sso=${t}; sso-rw=${t}` } });
    const got: string[] = [];
    ws.on('message', (d) => got.push(d.toString()));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ event: { type: 'session.create', event_id: 'evt_mine', session: { model: 'expert', x_grok: {} } } }));
    const lines = readFileSync(fixture('mgw/reasoning-answer.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    while (got.length < 3) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(got, lines.slice(0, 3).map((l) => l.replace('"client_event_id":"evt_init_fixture"', '"client_event_id":"evt_mine"')));
    const sid = (JSON.parse(got[1] ?? '{}') as { session_id: string }).session_id;
    ws.send(JSON.stringify({ session_id: sid, event: { type: 'conversation.item.create', item: { x_grok: { input_chunks: [{ text: { text: 'hi' } }] } } } }));
    ws.send(JSON.stringify({ session_id: sid, event: { type: 'response.create' } }));
    while (got.length < lines.length) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(got.slice(3), lines.slice(3), 'every later line as recorded, "not json at all" included');
    ws.close();
  });
});
