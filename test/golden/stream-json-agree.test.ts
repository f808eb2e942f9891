// The two goldens of one fixture must tell the client the same thing: the SSE chunks, put together,
// are the JSON answer (content, reasoning, annotations, system_fingerprint in EVERY chunk), and an
// error is the same error either way. Checked on the checked-in files, so a regenerated golden that
// drifts apart fails here even when it was accepted with UPDATE_GOLDEN=1.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { GOLDEN_DIR } from './golden-file.js';

interface Parsed { status: number; body: string }
function read(rel: string): Parsed {
  const text = readFileSync(new URL(rel, GOLDEN_DIR), 'utf8');
  const nl = text.indexOf('\n');
  return { status: Number(text.slice(5, 8)), body: text.slice(nl + 1) };
}

interface Chunk {
  system_fingerprint?: string | null;
  choices?: Array<{ delta: { content?: string; reasoning_content?: string; annotations?: unknown[] }; finish_reason: string | null }>;
  error?: unknown;
}

for (const dir of ['chat-rest', 'chat-mgw']) {
  const bases = readdirSync(new URL(`${dir}/`, GOLDEN_DIR)).filter((f) => f.endsWith('.json.txt')).map((f) => f.slice(0, -'.json.txt'.length));
  void describe(`golden ${dir}: the SSE answer agrees with the JSON answer`, () => {
    for (const base of bases) {
      void it(base, () => {
        const json = read(`${dir}/${base}.json.txt`);
        const sse = read(`${dir}/${base}.sse.txt`);
        const answer = JSON.parse(json.body) as { system_fingerprint?: string | null; error?: unknown; choices?: Array<{ message: { content: string; reasoning_content?: string; annotations?: unknown[] } }> };
        if (sse.status !== 200) {
          // Failed before the stream opened: the same envelope and status as the JSON call.
          assert.equal(sse.status, json.status);
          assert.equal(sse.body, json.body);
          return;
        }
        const events = sse.body.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
        assert.equal(events[events.length - 1], '[DONE]', 'the stream ends with [DONE]');
        const chunks = events.slice(0, -1).map((e) => JSON.parse(e) as Chunk);
        const failed = chunks.find((c) => c.error !== undefined);
        if (failed) {
          // Failed mid-stream: the error event carries what the JSON call answered.
          assert.ok(json.status >= 400, `JSON answered ${json.status} where the stream failed`);
          assert.deepEqual(failed.error, (JSON.parse(json.body) as { error: unknown }).error);
          return;
        }
        assert.equal(json.status, 200);
        const message = answer.choices?.[0]?.message;
        assert.ok(message);
        let content = '';
        let reasoning = '';
        let annotations: unknown[] | undefined;
        for (const c of chunks) {
          assert.equal(c.system_fingerprint ?? null, answer.system_fingerprint ?? null, 'every chunk carries the JSON answer\'s system_fingerprint');
          const d = c.choices?.[0]?.delta;
          content += d?.content ?? '';
          reasoning += d?.reasoning_content ?? '';
          if (d?.annotations) annotations = d.annotations;
        }
        assert.equal(content, message.content);
        assert.equal(reasoning, message.reasoning_content ?? '');
        assert.deepEqual(annotations, message.annotations);
      });
    }
  });
}
