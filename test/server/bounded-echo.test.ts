// Client-chosen strings are bounded before they reach an error body or a log line: a 5 MB model
// name is a short 400 naming `model` (every /v1 route), a 5 MB path a short 404, and the one call
// line per request stays short.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clip } from '../../src/server/clip.js';
import { startHarness, type Harness } from '../e2e/harness.js';
import { portOf, rawRequest } from './raw-http.js';

const KEY = 'sk-test-harness-key-000000';
const HUGE = 'm'.repeat(5 * 1024 * 1024);

void describe('bounded echoes of client strings', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ apiKey: KEY });
  });
  after(async () => {
    await h.close();
  });

  /** The 'call' log line of the request with this id (written when its socket closes). */
  async function callLine(requestId: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const line = h.logs.find((l) => l.includes(`"reqId":"${requestId}"`) && l.includes('"msg":"call"'));
      if (line) return line;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no call line for ${requestId}`);
  }

  void it('clip keeps short strings and cuts long ones with their length', () => {
    assert.equal(clip('abc', 5), 'abc');
    assert.equal(clip('abcdefgh', 3), 'abc…(8 chars)');
  });

  void it('a 5 MB model is a short 400 naming model on every /v1 route that takes one, and a short call line', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['/chat/completions', { model: HUGE, messages: [{ role: 'user', content: 'hi' }] }],
      ['/images/generations', { model: HUGE, prompt: 'a cat' }],
      ['/images/edits', { model: HUGE, prompt: 'a cat', image: 'https://example.com/a.png' }],
      ['/videos', { model: HUGE, prompt: 'a cat' }],
    ];
    for (const [path, body] of cases) {
      const id = `huge-model-${path.replace(/\W/g, '')}`;
      const res = await fetch(`${h.baseURL}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-request-id': id },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      assert.equal(res.status, 400, `${path}: ${text.slice(0, 200)}`);
      assert.ok(text.length < 1000, `${path}: ${text.length} bytes`);
      const err = (JSON.parse(text) as { error: { param: string; type: string } }).error;
      assert.equal(err.param, 'model', path);
      assert.equal(err.type, 'invalid_request_error');
      const line = await callLine(id);
      assert.ok(line.length < 2000, `${path}: call line of ${line.length} bytes`);
    }
  });

  void it('a model of 256 characters is still looked up (404 model_not_found), echoed whole', async () => {
    const model = 'x'.repeat(256);
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(res.status, 404);
    assert.equal(body.error.code, 'model_not_found');
    assert.ok(body.error.message.includes(model));
  });

  void it('a long path is echoed bounded in the 404 and the call line', async () => {
    const path = `/v1/${'p'.repeat(12_000)}`;
    const res = await rawRequest(portOf(h.baseURL), 'GET', path, { authorization: `Bearer ${KEY}`, 'x-request-id': 'long-path-1' });
    assert.equal(res.status, 404);
    assert.ok(res.body.length < 1000, `${res.body.length} bytes`);
    assert.match(res.body, /\(12004 chars\)/);
    const line = await callLine('long-path-1');
    assert.ok(line.length < 2000, `call line of ${line.length} bytes`);
  });

  void it('a bad %-escape in a long URL is a short 400', async () => {
    const res = await rawRequest(portOf(h.baseURL), 'GET', `/v1/%zz${'q'.repeat(12_000)}`, { authorization: `Bearer ${KEY}` });
    assert.equal(res.status, 400);
    assert.ok(res.body.length < 1000, `${res.body.length} bytes`);
  });
});
