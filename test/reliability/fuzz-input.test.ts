// Bad input, generated: malformed JSON, wrong types, huge strings, deep nesting, invalid UTF-8,
// oversized bodies, wrong content types, odd model ids. Never a 500, never a crash; every error
// is OpenAI's envelope, valid JSON, and carries no secret.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startHarness, type Harness } from '../e2e/harness.js';

const KEY = 'sk-test-harness-key-000000';
const TOKEN = 'sso-fuzz-token-000000000001';
const MODELS = ['grok-chat-fast', 'grok-3-fast', 'grok-chat-heavy', 'grok-imagine-image', 'gpt-4o', ''];
const RUNS = 150;

interface Outcome {
  status: number;
  text: string;
  contentType: string;
}

/** Checks the response is a success or OpenAI's error envelope (and never a 5xx). */
function checkOutcome(o: Outcome, allowed: readonly number[], what: string): void {
  assert.notEqual(o.status, 500, `${what} → 500: ${o.text.slice(0, 300)}`);
  assert.ok(allowed.includes(o.status), `${what} → unexpected ${o.status}: ${o.text.slice(0, 300)}`);
  assert.ok(!o.text.includes(KEY) && !o.text.includes(TOKEN), `${what}: a secret in the response`);
  if (o.status === 200) return;
  assert.match(o.contentType, /^application\/json/, what);
  const body = JSON.parse(o.text) as { error?: Record<string, unknown> };
  assert.ok(body.error && typeof body.error === 'object', `${what}: envelope ${o.text.slice(0, 200)}`);
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type'], what);
  assert.equal(typeof body.error.message, 'string');
  assert.ok((body.error.message as string).length > 0);
  assert.equal(typeof body.error.type, 'string');
  assert.ok(body.error.param === null || typeof body.error.param === 'string');
  assert.ok(body.error.code === null || typeof body.error.code === 'string');
}

void describe('fuzzing /v1 input', () => {
  let h: Harness;
  const post = async (body: string | Uint8Array, contentType: string | undefined = 'application/json'): Promise<Outcome> => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}` };
    if (contentType !== undefined) headers['content-type'] = contentType;
    const res = await fetch(`${h.baseURL}/chat/completions`, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
  };

  before(async () => {
    h = await startHarness({
      tokens: [TOKEN],
      // A small limit keeps the oversized cases cheap; plenty of quota for the valid requests.
      overrides: { server: { body_limit_mb: 1 } },
      sim: { tokenDelayMs: 0, defaultQuota: { remaining: 100_000, total: 100_000, windowSeconds: 7200 } },
    });
    // The valid requests fuzzing produces must not run the account's local quota dry.
    const acc = [...h.gw.accounts.pool.all()][0];
    if (acc) for (const w of Object.values(acc.rec.quotas)) w.remaining = w.total = 100_000;
  });
  after(async () => {
    // Nothing secret reached the log either, whatever was sent.
    for (const line of h.logs) assert.ok(!line.includes(KEY) && !line.includes(TOKEN), `secret in a log line: ${line.slice(0, 200)}`);
    await h.close();
  });

  void it('arbitrary JSON values as the body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (v) => {
        checkOutcome(await post(JSON.stringify(v)), [400, 404], `body ${JSON.stringify(v).slice(0, 80)}`);
      }),
      { numRuns: RUNS },
    );
  });

  void it('requests of the right shape with wrong types and odd values in every field', async () => {
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ unit: 'binary', maxLength: 200 }));
    // Mostly well-typed values, sometimes anything: so some requests are valid end to end.
    const mostly = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> => fc.oneof({ arbitrary: good, weight: 20 }, { arbitrary: anyValue, weight: 1 });
    const text = fc.string({ maxLength: 100 }).map((s) => s.replace(/\[sim:/g, '['));
    const content = mostly(
      fc.oneof(
        text,
        fc.array(fc.record({ type: fc.oneof({ arbitrary: fc.constant('text'), weight: 8 }, fc.constantFrom('image_url', 'refusal', 'nope')), text: mostly(text) }), { maxLength: 3 }),
      ),
    );
    const message = fc.record(
      {
        role: mostly(fc.constantFrom('system', 'developer', 'user', 'user', 'assistant', 'tool', 'function')),
        content,
        name: mostly(text),
        tool_calls: mostly(fc.constant(null)),
      },
      { requiredKeys: ['role', 'content'] },
    );
    const request = fc.record(
      {
        model: mostly(fc.oneof({ arbitrary: fc.constant('grok-chat-fast'), weight: 4 }, fc.constantFrom(...MODELS))),
        messages: mostly(fc.array(message, { minLength: 1, maxLength: 4 })),
        stream: mostly(fc.boolean()),
        stream_options: mostly(fc.record({ include_usage: fc.boolean() })),
        reasoning_effort: mostly(fc.constantFrom('none', 'low', 'high')),
        temperature: mostly(fc.double({ noNaN: true, noDefaultInfinity: true })),
        n: mostly(fc.oneof({ arbitrary: fc.constant(1), weight: 4 }, fc.integer({ min: 0, max: 11 }))),
        tools: anyValue,
        metadata: anyValue,
      },
      { requiredKeys: ['model', 'messages'] },
    );
    let ok = 0;
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const o = await post(JSON.stringify(r));
        // 503: models (heavy chat, image) the fuzzing account's tier cannot serve.
        checkOutcome(o, [200, 400, 404, 503], `request ${JSON.stringify(r).slice(0, 120)}`);
        statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
        if (o.status === 200) {
          ok++;
          if (o.contentType.startsWith('text/event-stream')) assert.ok(o.text.endsWith('data: [DONE]\n\n'));
          else assert.equal((JSON.parse(o.text) as { object: string }).object, 'chat.completion');
        }
      }),
      { numRuns: RUNS * 2 },
    );
    assert.ok(ok >= 10, `some generated requests were valid and answered: ${JSON.stringify([...statuses])}`);
  });

  void it('bytes: malformed JSON and invalid UTF-8', async () => {
    const valid = JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'héllo wörld' }] });
    const mutated = fc
      .tuple(fc.nat({ max: valid.length }), fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat({ max: 4 }))
      .map(([at, bytes, cut]) => {
        const b = Buffer.from(valid, 'utf8');
        return Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(Math.min(b.length, at + cut))]);
      });
    const invalidUtf8 = fc.constantFrom(
      Buffer.from([0xc0, 0xaf]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from([0xf4, 0x90, 0x80, 0x80]),
      Buffer.from([0xe2, 0x82]),
    );
    const inString = invalidUtf8.map((bad) =>
      Buffer.concat([Buffer.from('{"model":"grok-chat-fast","messages":[{"role":"user","content":"a'), bad, Buffer.from('b"}]}')]),
    );
    const inKey = invalidUtf8.map((bad) => Buffer.concat([Buffer.from('{"mo'), bad, Buffer.from('del":"grok-chat-fast","messages":[]}')]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, inString, inKey, fc.uint8Array({ maxLength: 300 })), async (bytes) => {
        checkOutcome(await post(new Uint8Array(bytes)), [200, 400, 404], `bytes ${Buffer.from(bytes).toString('hex').slice(0, 80)}`);
      }),
      { numRuns: RUNS },
    );
  });

  void it('wrong or odd content types', async () => {
    const valid = JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'ct' }] });
    const ct = fc.oneof(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=xyz',
        'multipart/form-data',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'Application/JSON',
        'application/jsonx',
        'application/octet-stream',
        'application/*',
        '*/*',
        ';;;',
        'application/json;',
      ),
      fc.string({ unit: fc.constantFrom(...'abcjson/;=+-* '.split('')), maxLength: 40 }),
    );
    await fc.assert(
      fc.asyncProperty(ct, fc.boolean(), async (type, validBody) => {
        checkOutcome(await post(validBody ? valid : 'a=1&b=2', type === '' ? undefined : type), [200, 400, 404, 415], `content-type ${type}`);
      }),
      { numRuns: RUNS },
    );
  });

  void it('GET /v1/models/{id} with any id', async () => {
    const raw = fc.constantFrom('%zz', '%', '%c0%af', '..%2f..%2fetc', '%00', 'a%2Fb', '%e2%82', '%ff%fe', 'x'.repeat(5000));
    const id = fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }).map(encodeURIComponent), raw, fc.constantFrom(...MODELS.filter(Boolean)));
    await fc.assert(
      fc.asyncProperty(id, async (path) => {
        const res = await fetch(`${h.baseURL}/models/${path}`, { headers: { authorization: `Bearer ${KEY}` } });
        checkOutcome({ status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' }, [200, 400, 404, 414], `id ${path.slice(0, 60)}`);
      }),
      { numRuns: RUNS },
    );
  });

  void it('deep nesting (10 000 and 100 000 levels), everywhere', async () => {
    for (const depth of [10_000, 100_000]) {
      const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const deep of [arrays, objects]) {
        const bodies = [
          deep,
          `{"model":"grok-chat-fast","messages":${deep}}`,
          `{"model":"grok-chat-fast","messages":[{"role":"user","content":${deep}}]}`,
          `{"model":${deep},"messages":[{"role":"user","content":"x"}]}`,
          // Unknown fields are accepted and ignored: the deep value must not hurt either.
          `{"model":"grok-chat-fast","messages":[{"role":"user","content":"deep"}],"metadata":${deep},"tools":[${deep}]}`,
        ];
        // 100 000 levels of objects are over the 1 MB body limit: 413 is right for those.
        for (const b of bodies) checkOutcome(await post(b), b.length > 1024 * 1024 ? [413] : [200, 400], `depth ${depth}: ${b.slice(0, 60)}`);
      }
    }
  });

  void it('huge strings, oversized and chunked bodies, empty bodies', async () => {
    const big = 'x'.repeat(900_000);
    // (The directive keeps the simulator's answer short; the 900 KB still travel the whole path.)
    checkOutcome(await post(JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `${big} [sim:tokens=3]` }] })), [200], 'a 900 KB prompt');
    // Model ids are at most 256 characters: a short 400 naming model, not a 900 KB 404 echo.
    checkOutcome(await post(JSON.stringify({ model: big, messages: [{ role: 'user', content: 'x' }] })), [400], 'a 900 KB model id');
    checkOutcome(await post(JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: `${big}${big}` }] })), [413], '1.8 MB body');
    // Without Content-Length (chunked upload): the limit still holds while reading.
    const chunked = new ReadableStream<Uint8Array>({
      start(ctl) {
        for (let i = 0; i < 40; i++) ctl.enqueue(new TextEncoder().encode('x'.repeat(50_000)));
        ctl.close();
      },
    });
    const res = await fetch(`${h.baseURL}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    checkOutcome({ status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' }, [413], 'a 2 MB chunked body');
    checkOutcome(await post(''), [400], 'an empty body');
    checkOutcome(await post('', undefined), [400, 415], 'no body, no content type');
    checkOutcome(await post('null'), [400], 'null');
    checkOutcome(await post('{"__proto__":{"admin":true},"model":"grok-chat-fast","messages":[{"role":"user","content":"p"}]}'), [200, 400], '__proto__');
  });

  void it('the gateway is still up and answers normally', async () => {
    const res = await h.openai.chat.completions.create({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'still here' }] });
    assert.equal(res.choices[0]?.message.content, 'Echo: still here');
    assert.equal((await fetch(h.baseURL.replace('/v1', '/health'))).status, 200);
  });
});
