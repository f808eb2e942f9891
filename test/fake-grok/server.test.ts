// The simulator over real HTTP: auth gate, chat stream shape, directives, quota, chunking, aborts.

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'undici';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { expectedAnswer, simHeaders, startFakeGrok } from './index.js';
import type { FakeGrok } from './index.js';
import { CHAT_PATH, answerText, chat, frames, post, postAs, responses, thinkingText, waitFor } from './test-client.js';

const statsig = Buffer.from('x1:TypeError: test').toString('base64');

void describe('fake-grok server', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokens: { good: {} }, tokenDelayMs: 1 });
  });
  after(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.clearRequests();
  });

  void describe('auth gate', () => {
    void it('rejects a missing sso cookie with 401 session not found', async () => {
      const r = await post(sim.baseUrl, CHAT_PATH, { message: 'hi' }, { 'x-statsig-id': statsig });
      assert.equal(r.status, 401);
      assert.match(r.text, /session not found/);
      assert.equal(JSON.parse(r.text).error.code, 16);
    });

    void it('rejects unknown tokens and an sso-rw that differs from sso', async () => {
      assert.equal((await chat(sim.baseUrl, 'nope', 'hi')).status, 401);
      const r = await post(sim.baseUrl, CHAT_PATH, { message: 'hi' }, { 'x-statsig-id': statsig, cookie: 'sso=good; sso-rw=other' });
      assert.equal(r.status, 401);
    });

    void it('accepts D-style cookies (sso-rw first, no spaces) and extra cookies', async () => {
      const r = await post(sim.baseUrl, CHAT_PATH, { message: 'hi' }, {
        'x-statsig-id': statsig, cookie: 'sso-rw=good;sso=good;cf_clearance=abc',
      });
      assert.equal(r.status, 200);
      const r2 = await post(sim.baseUrl, CHAT_PATH, { message: 'hi' }, { 'x-statsig-id': statsig, cookie: 'cf_clearance=x; sso=good' });
      assert.equal(r2.status, 200);
    });

    void it('answers 403 "Just a moment..." HTML for a missing or non-base64 x-statsig-id', async () => {
      const variants: Array<Record<string, string>> = [{}, { 'x-statsig-id': 'not base64!!' }];
      for (const h of variants) {
        const r = await post(sim.baseUrl, CHAT_PATH, { message: 'hi' }, { cookie: 'sso=good', ...h });
        assert.equal(r.status, 403);
        assert.match(String(r.headers['content-type']), /text\/html/);
        assert.match(r.text, /<title>Just a moment\.\.\.<\/title>/);
      }
    });

    void it('records every request, rejected ones included, with the sso token', async () => {
      await post(sim.baseUrl, CHAT_PATH, { message: 'x' }, { cookie: 'sso=whoever' });
      await chat(sim.baseUrl, 'good', 'hello');
      assert.equal(sim.requests.length, 2);
      assert.equal(sim.requests[0]?.token, 'whoever');
      assert.equal(sim.requests[0]?.path, CHAT_PATH);
      assert.deepEqual(sim.requests[1]?.body, { message: 'hello', modeId: 'fast' });
      assert.equal(sim.requests[1]?.method, 'POST');
    });

    void it('applies per-token statuses and body variants', async () => {
      const cases: Array<[number, 'html' | 'blocked' | 'json' | 'safety' | undefined, RegExp]> = [
        [401, undefined, /session not found/],
        [403, undefined, /Just a moment/],
        [403, 'blocked', /blocked-user/],
        [403, 'json', /anti-bot/],
        [403, 'safety', /Content violates usage guidelines/],
        [429, undefined, /Too many requests/],
        [500, undefined, /internal error/],
        [502, undefined, /Bad Gateway/],
      ];
      for (const [status, variant, re] of cases) {
        sim.setToken('t-status', variant ? { status, variant } : { status });
        const r = await chat(sim.baseUrl, 't-status', 'hi');
        assert.equal(r.status, status);
        assert.match(r.text, re);
        if (status === 429) assert.equal(r.headers['retry-after'], '30');
      }
      sim.removeToken('t-status');
      assert.equal((await chat(sim.baseUrl, 't-status', 'hi')).status, 401);
    });

    void it('acceptAnyToken and requireStatsig:false open the gate', async () => {
      const open = await startFakeGrok({ acceptAnyToken: true, requireStatsig: false });
      try {
        const r = await post(open.baseUrl, CHAT_PATH, { message: 'hi' }, { cookie: 'sso=anything' });
        assert.equal(r.status, 200);
        assert.equal(answerText(r.text), 'Echo: hi');
      } finally {
        await open.close();
      }
    });
  });

  void describe('chat stream', () => {
    void it('streams the frames in protocol order and matches expectedAnswer', async () => {
      const message = '[system]: Be brief\n\n[user]: Hello there, how are you today?';
      const r = await chat(sim.baseUrl, 'good', message);
      assert.equal(r.status, 200);
      assert.match(String(r.headers['content-type']), /application\/json/);
      assert.ok(r.text.endsWith('\n'));
      const all = frames(r.text);
      assert.ok('conversation' in (all[0]?.result as object), 'conversation frame first (no response: clients skip it)');
      const rs = responses(r.text);
      const kinds = rs.map((x) => (x.userResponse ? 'user' : x.llmInfo ? 'llm' : typeof x.token === 'string'
        ? (x.isThinking ? 'think' : 'answer') : x.modelResponse ? 'model' : x.isSoftStop ? 'soft' : x.finalMetadata ? 'final' : '?'));
      const squashed = kinds.filter((k, i) => k !== kinds[i - 1]);
      assert.deepEqual(squashed, ['user', 'llm', 'think', 'answer', 'model', 'soft', 'final']);
      const exp = expectedAnswer(message);
      assert.equal(exp.answer, 'Echo: Hello there, how are you today?');
      assert.equal(exp.thinking, 'Thinking about the request.');
      assert.equal(answerText(r.text), exp.answer);
      assert.equal(thinkingText(r.text), exp.thinking);
      assert.ok(kinds.filter((k) => k === 'answer').length >= 5, 'several answer tokens');
      const think = rs.filter((x) => x.isThinking === true && typeof x.token === 'string');
      assert.equal(think[0]?.messageTag, 'header');
      assert.ok(think.slice(1).every((x) => x.messageTag === 'summary'));
      const model = rs.find((x) => x.modelResponse)?.modelResponse as Record<string, unknown>;
      assert.equal(model.message, exp.answer);
      assert.deepEqual(model.generatedImageUrls, []);
      const answers = rs.filter((x) => x.messageTag === 'final');
      assert.ok(answers.every((x) => x.responseId === model.responseId));
      assert.deepEqual(rs[rs.length - 1], { finalMetadata: { followUpSuggestions: [] } });
      assert.equal((rs.find((x) => x.llmInfo)?.llmInfo as { modelHash: string }).modelHash, 'simhash-fast');
    });

    void it('validates the body: bad JSON and a missing message are 400', async () => {
      assert.equal((await postAs(sim.baseUrl, CHAT_PATH, '{not json', 'good')).status, 400);
      assert.equal((await postAs(sim.baseUrl, CHAT_PATH, { modeId: 'fast' }, 'good')).status, 400);
      assert.equal((await postAs(sim.baseUrl, CHAT_PATH, { message: 42 }, 'good')).status, 400);
    });

    void it('answers 404 for unknown routes and 405 for GET on a POST route', async () => {
      assert.equal((await postAs(sim.baseUrl, '/rest/nope', {}, 'good')).status, 404);
      const r = await request(sim.baseUrl + CHAT_PATH, { headers: simHeaders('good') });
      await r.body.dump();
      assert.equal(r.statusCode, 405);
    });

    void it('records the mode from modeId or legacy modelName in the rate-limit windows', async () => {
      sim.setToken('legacy', {});
      await postAs(sim.baseUrl, CHAT_PATH, { message: 'x', modelName: 'grok-3', modelMode: 'MODEL_MODE_FAST' }, 'legacy');
      const rl = await postAs(sim.baseUrl, '/rest/rate-limits', { requestKind: 'DEFAULT', modelName: 'grok-3' }, 'legacy');
      assert.equal(JSON.parse(rl.text).remainingQueries, 999);
    });
  });

  void describe('directives', () => {
    void it('status=NNN answers before streaming', async () => {
      const cases: Array<[string, number, RegExp]> = [
        ['403-html', 403, /Just a moment/], ['403-blocked', 403, /blocked-user/], ['401', 401, /session not found/],
        ['429', 429, /"code":8/], ['500', 500, /internal error/], ['502', 502, /Bad Gateway/],
      ];
      for (const [v, status, re] of cases) {
        const r = await chat(sim.baseUrl, 'good', `hi [sim:status=${v}]`);
        assert.equal(r.status, status, v);
        assert.match(r.text, re);
        if (status === 429) assert.equal(r.headers['retry-after'], '30');
      }
    });

    void it('inband-error ends the stream after the first answer token', async () => {
      const r = await chat(sim.baseUrl, 'good', 'hello world [sim:inband-error]');
      assert.equal(r.status, 200);
      const all = frames(r.text);
      assert.deepEqual(all[all.length - 1], { error: { code: 8, message: 'Too many requests', details: [] } });
      assert.equal(answerText(r.text), 'Echo: ');
      const other = frames((await chat(sim.baseUrl, 'good', 'x [sim:inband-error=other]')).text);
      assert.equal((other[other.length - 1]?.error as { code: number }).code, 13);
    });

    void it('inBandRateLimit token behaviour does the same', async () => {
      sim.setToken('inband', { inBandRateLimit: true });
      const all = frames((await chat(sim.baseUrl, 'inband', 'hello')).text);
      assert.equal((all[all.length - 1]?.error as { message: string }).message, 'Too many requests');
    });

    void it('tokens=N, unicode, no-thinking, heavy, no-final-frames', async () => {
      let r = await chat(sim.baseUrl, 'good', '[sim:tokens=7] anything');
      assert.equal(answerText(r.text), 'w0 w1 w2 w3 w4 w5 w6 ');
      assert.equal(responses(r.text).filter((x) => x.messageTag === 'final').length, 7);
      assert.equal(expectedAnswer('[sim:tokens=7] anything').answer, 'w0 w1 w2 w3 w4 w5 w6 ');

      r = await chat(sim.baseUrl, 'good', 'x [sim:unicode]');
      assert.equal(answerText(r.text), 'Echo: héllo 世界 🌍🚀');
      assert.equal(expectedAnswer('x [sim:unicode]').answer, 'Echo: héllo 世界 🌍🚀');

      r = await chat(sim.baseUrl, 'good', 'x [sim:no-thinking]');
      assert.equal(thinkingText(r.text), '');
      assert.equal(expectedAnswer('x [sim:no-thinking]').thinking, '');

      r = await chat(sim.baseUrl, 'good', 'x [sim:heavy]');
      const rollouts = new Set(responses(r.text).filter((x) => x.isThinking === true).map((x) => x.rolloutId));
      assert.deepEqual([...rollouts], ['Agent 1', 'Agent 2']);

      r = await chat(sim.baseUrl, 'good', 'x [sim:no-final-frames]');
      const rs = responses(r.text);
      assert.ok(!rs.some((x) => x.modelResponse || x.finalMetadata || x.isSoftStop));
      assert.equal(answerText(r.text), 'Echo: x');
    });

    void it('citation sends the card before the answer and splits the render tag mid-tag', async () => {
      const msg = 'cite this [sim:citation]';
      const r = await chat(sim.baseUrl, 'good', msg);
      const rs = responses(r.text);
      const cardIdx = rs.findIndex((x) => x.cardAttachment);
      const firstAnswer = rs.findIndex((x) => x.messageTag === 'final');
      assert.ok(cardIdx >= 0 && cardIdx < firstAnswer);
      const card = JSON.parse((rs[cardIdx]?.cardAttachment as { jsonData: string }).jsonData) as Record<string, unknown>;
      assert.deepEqual(card, { id: 'card-1', type: 'render_inline_citation', cardType: 'citation_card', url: 'https://example.org/a' });
      assert.equal(answerText(r.text), expectedAnswer(msg).answer);
      assert.match(answerText(r.text), /<grok:render card_id="card-1" card_type="citation_card" type="render_inline_citation"><argument name="citation_id">1<\/argument><\/grok:render>$/);
      assert.ok(!rs.some((x) => typeof x.token === 'string' && x.token.includes('<grok:render') && x.token.includes('</grok:render>')));
    });

    void it('toolcard adds a tool usage card and search results during thinking', async () => {
      const rs = responses((await chat(sim.baseUrl, 'good', 'search this [sim:toolcard]')).text);
      const card = rs.find((x) => x.toolUsageCard);
      assert.deepEqual((card?.toolUsageCard as Record<string, unknown>).webSearch, { args: { query: 'search this' } });
      const results = rs.find((x) => x.webSearchResults);
      assert.equal(results?.isThinking, true);
      assert.equal(results?.toolUsageCardId, 'tc-1');
    });

    void it('markup embeds xaiartifact and xai:tool_usage_card spans split across tokens', async () => {
      const r = await chat(sim.baseUrl, 'good', 'hi [sim:markup]');
      const text = answerText(r.text);
      assert.equal(text, expectedAnswer('hi [sim:markup]').answer);
      assert.match(text, /^Echo: hi\n<xaiartifact contentType="text\/plain">artifact body<\/xaiartifact><xai:tool_usage_card>.*<\/xai:tool_usage_card>$/);
    });

    void it('data-prefix frames every line as SSE and ends with data: [DONE]', async () => {
      const r = await chat(sim.baseUrl, 'good', 'hi [sim:data-prefix]');
      const lines = r.text.split('\n').filter((l) => l !== '');
      assert.ok(lines.every((l) => l.startsWith('data: ')));
      assert.equal(lines[lines.length - 1], 'data: [DONE]');
      assert.equal(answerText(r.text), 'Echo: hi');
    });

    void it('malformed inserts a broken JSON line and a garbage line', async () => {
      const r = await chat(sim.baseUrl, 'good', 'hi there [sim:malformed]');
      const lines = r.text.split('\n');
      assert.ok(lines.includes('{"result":{"response":'));
      assert.ok(lines.includes('garbage'));
      assert.equal(answerText(r.text), 'Echo: hi there');
    });

    void it('stall pauses after the first answer token; stall-start before the first frame', async () => {
      const res = await request(sim.baseUrl + CHAT_PATH, {
        method: 'POST', headers: simHeaders('good'), body: JSON.stringify({ message: 'a b c [sim:stall=300]' }),
      });
      const arrivals: Array<[number, string]> = [];
      const t0 = Date.now();
      for await (const c of res.body) arrivals.push([Date.now() - t0, (c as Buffer).toString()]);
      const all = arrivals.map((a) => a[1]).join('');
      assert.equal(answerText(all), 'Echo: a b c');
      const gapIdx = arrivals.findIndex((a, i) => i > 0 && a[0] - (arrivals[i - 1]?.[0] ?? 0) >= 250);
      assert.ok(gapIdx > 0, 'a gap of ~300ms');
      assert.equal(answerText(arrivals.slice(0, gapIdx).map((a) => a[1]).join('')), 'Echo: ');

      const t1 = Date.now();
      const res2 = await request(sim.baseUrl + CHAT_PATH, {
        method: 'POST', headers: simHeaders('good'), body: JSON.stringify({ message: 'hi [sim:stall-start=250]' }),
      });
      const headersAt = Date.now() - t1;
      assert.equal(res2.statusCode, 200);
      const text = await res2.body.text();
      assert.ok(headersAt < 200, `headers arrive first (${headersAt}ms)`);
      assert.ok(Date.now() - t1 >= 240);
      assert.equal(answerText(text), 'Echo: hi');
    });

    void it('cut destroys the connection after the second answer token', async () => {
      const res = await request(sim.baseUrl + CHAT_PATH, {
        method: 'POST', headers: simHeaders('good'), body: JSON.stringify({ message: 'one two three four [sim:cut]' }),
      });
      assert.equal(res.statusCode, 200);
      let got = '';
      await assert.rejects(async () => {
        for await (const c of res.body) got += (c as Buffer).toString();
      });
      assert.equal(answerText(got), 'Echo: one ');
      assert.ok(!got.includes('modelResponse'));
      assert.ok(await waitFor(() => sim.openStreams() === 0));
    });

    void it('chunk=N re-slices the byte stream (splitting lines and UTF-8) and reassembles intact', async () => {
      const r = await chat(sim.baseUrl, 'good', 'x [sim:unicode][sim:chunk=3][sim:delay=0]');
      assert.equal(answerText(r.text), 'Echo: héllo 世界 🌍🚀');
      assert.ok(r.chunks.length > 20, `many network chunks (${r.chunks.length})`);
      assert.ok(r.chunks.some((c) => !c.toString('latin1').endsWith('\n')), 'chunks split lines');
      const decoder = new TextDecoder('utf-8', { fatal: true });
      assert.ok(r.chunks.some((c) => {
        try {
          decoder.decode(c);
          return false;
        } catch {
          return true;
        }
      }), 'some chunk splits a multi-byte character');
    });

    void it('encoding=gzip|br|deflate compresses the stream when accepted, and flushes per frame', async () => {
      for (const enc of ['gzip', 'br', 'deflate'] as const) {
        const res = await request(sim.baseUrl + CHAT_PATH, {
          method: 'POST', headers: { ...simHeaders('good'), 'accept-encoding': 'gzip, deflate, br' },
          body: JSON.stringify({ message: `x [sim:encoding=${enc}][sim:unicode][sim:delay=5]` }),
        });
        assert.equal(res.headers['content-encoding'], enc);
        const parts: Buffer[] = [];
        for await (const c of res.body) parts.push(c as Buffer);
        assert.ok(parts.length > 3, `compressed output arrives incrementally (${parts.length} parts)`);
        const raw = Buffer.concat(parts);
        const text = (enc === 'gzip' ? gunzipSync(raw) : enc === 'br' ? brotliDecompressSync(raw) : inflateSync(raw)).toString('utf8');
        assert.equal(answerText(text), 'Echo: héllo 世界 🌍🚀');
      }
      // Not accepted → identity.
      const plain = await post(sim.baseUrl, CHAT_PATH, { message: 'x [sim:encoding=br]' }, { ...simHeaders('good'), 'accept-encoding': 'identity' });
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(answerText(plain.text), 'Echo: x');
    });

    void it('delay=MS spaces the frames out', async () => {
      const t0 = Date.now();
      const r = await chat(sim.baseUrl, 'good', '[sim:tokens=3][sim:delay=40][sim:no-thinking]');
      assert.equal(answerText(r.text), 'w0 w1 w2 ');
      assert.ok(Date.now() - t0 >= 40 * 8, 'at least 8 delayed frames');
    });
  });

  void describe('quota', () => {
    void it('decrements per token and mode and answers 429 when empty', async () => {
      sim.setToken('q', { quota: { fast: { remaining: 2, total: 30, windowSeconds: 86400 } } });
      const rl = async (mode: string): Promise<Record<string, unknown>> =>
        JSON.parse((await postAs(sim.baseUrl, '/rest/rate-limits', { modelName: mode }, 'q')).text) as Record<string, unknown>;
      assert.deepEqual(await rl('fast'), {
        windowSizeSeconds: 86400, remainingQueries: 2, totalQueries: 30, remainingTokens: 2,
        lowEffortRateLimits: null, highEffortRateLimits: null,
      });
      assert.equal((await chat(sim.baseUrl, 'q', 'a')).status, 200);
      assert.equal((await rl('fast')).remainingQueries, 1);
      assert.equal((await chat(sim.baseUrl, 'q', 'b')).status, 200);
      const third = await chat(sim.baseUrl, 'q', 'c');
      assert.equal(third.status, 429);
      assert.match(third.text, /Too many requests/);
      assert.equal((await rl('fast')).remainingQueries, 0);
      // Other modes have their own (default) window.
      assert.equal((await chat(sim.baseUrl, 'q', 'd', { modeId: 'auto' })).status, 200);
      assert.deepEqual([(await rl('auto')).remainingQueries, (await rl('auto')).totalQueries], [999, 1000]);
      // setToken resets the windows.
      sim.setToken('q', {});
      assert.equal((await rl('fast')).remainingQueries, 1000);
    });

    void it('a window refills windowSeconds after its first query; defaultQuota applies to unconfigured tokens', async () => {
      const s = await startFakeGrok({ acceptAnyToken: true, defaultQuota: { remaining: 1, total: 1, windowSeconds: 0.3 } });
      try {
        assert.equal((await chat(s.baseUrl, 'any', 'a')).status, 200);
        assert.equal((await chat(s.baseUrl, 'any', 'b')).status, 429);
        await new Promise((r) => setTimeout(r, 350));
        assert.equal((await chat(s.baseUrl, 'any', 'c')).status, 200);
      } finally {
        await s.close();
      }
    });

    void it('maxRecordedRequests bounds the recorded list', async () => {
      const s = await startFakeGrok({ acceptAnyToken: true, maxRecordedRequests: 10 });
      try {
        for (let i = 0; i < 25; i++) await postAs(s.baseUrl, '/rest/rate-limits', { modelName: 'fast', i }, 'z');
        assert.ok(s.requests.length <= 10);
        assert.deepEqual(s.requests[s.requests.length - 1]?.body, { modelName: 'fast', i: 24 });
      } finally {
        await s.close();
      }
    });

    void it('a token scripted to 429 reads as exhausted on /rest/rate-limits', async () => {
      sim.setToken('limited', { status: 429 });
      const r = await postAs(sim.baseUrl, '/rest/rate-limits', { modelName: 'auto' }, 'limited');
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.text).remainingQueries, 0);
    });
  });

  void describe('aborts', () => {
    void it('a client abort closes the stream on the server (openStreams back to 0)', async () => {
      const ac = new AbortController();
      const res = await request(sim.baseUrl + CHAT_PATH, {
        method: 'POST', headers: simHeaders('good'), signal: ac.signal,
        body: JSON.stringify({ message: '[sim:tokens=200][sim:delay=20]' }),
      });
      assert.equal(res.statusCode, 200);
      res.body.on('error', () => undefined);
      for await (const _c of res.body) break; // first chunk arrived
      assert.equal(sim.openStreams(), 1);
      ac.abort();
      assert.ok(await waitFor(() => sim.openStreams() === 0), 'stream closed on the server');
      // The simulator is still healthy afterwards.
      assert.equal(answerText((await chat(sim.baseUrl, 'good', 'still alive')).text), 'Echo: still alive');
    });

    void it('close() ends open streams and stalled sockets without hanging', async () => {
      const s = await startFakeGrok({ acceptAnyToken: true });
      const res = await request(s.baseUrl + CHAT_PATH, {
        method: 'POST', headers: simHeaders('t'), body: JSON.stringify({ message: 'x [sim:stall-start=60000]' }),
      });
      res.body.on('error', () => undefined);
      assert.equal(s.openStreams(), 1);
      const t0 = Date.now();
      await s.close();
      assert.ok(Date.now() - t0 < 2000);
      assert.equal(s.openStreams(), 0);
      await assert.rejects(res.body.text());
    });
  });
});
