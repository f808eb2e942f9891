// Responses `previous_response_id` continues the real Grok conversation (docs/grok-protocol.md
// §5.9): the follow-up runs on the account the earlier response was answered on, re-opens its mgw
// conversation (load_existing + parent_response_id) and sends only the new input, with the tool
// instructions again. What reached Grok is read from the simulator's recorded frames. When the
// account is gone, or `instructions` changed, the stored history is sent flattened instead.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import OpenAI from 'openai';
import { accountIdFor } from '../../src/accounts/index.js';
import { Cancellation } from '../../src/grok/index.js';
import { chatTurns, eventually, startHarness, type Harness } from './harness.js';

const TOKENS = ['sso-resp-cont-token-0001', 'sso-resp-cont-token-0002', 'sso-resp-cont-token-0003'];
const MODEL = 'grok-chat-fast';

const weather = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

interface Frame {
  token: string | undefined;
  event: { type?: string; parent_response_id?: string; session?: { x_grok?: Record<string, unknown> } };
  sessionId: unknown;
}

function frames(h: Harness): Frame[] {
  return h.sim.requests
    .filter((r) => r.method === 'WS' && r.path === '/ws/mgw/')
    .map((r) => {
      const b = r.body as { event?: Frame['event']; session_id?: unknown };
      return { token: r.token, event: b.event ?? {}, sessionId: b.session_id };
    })
    .filter((f) => f.event.type !== 'ping');
}

const creates = (h: Harness): Frame[] => frames(h).filter((f) => f.event.type === 'session.create');
const items = (h: Harness): Frame[] => frames(h).filter((f) => f.event.type === 'conversation.item.create');
const prompts = (h: Harness): string[] => chatTurns(h).map((t) => t.prompt);

/** The simulator's record of the conversation a token owns (exactly one expected). */
function simConversation(h: Harness, token: string): { id: string; lastResponseId: string | undefined; turns: number } {
  const hits = [...h.sim.mgwConversations().entries()].filter(([, c]) => c.token === token);
  assert.equal(hits.length, 1, `one conversation on ${token.slice(0, 16)}`);
  const [id, c] = hits[0] as [string, { lastResponseId: string | undefined; turns: readonly unknown[] }];
  return { id, lastResponseId: c.lastResponseId, turns: c.turns.length };
}

/** A streamed response: its final object (from response.completed). */
async function streamed(h: Harness, body: Omit<OpenAI.Responses.ResponseCreateParamsStreaming, 'stream'>): Promise<OpenAI.Responses.Response> {
  const stream = await h.openai.responses.create({ ...body, stream: true });
  let done: OpenAI.Responses.Response | undefined;
  for await (const ev of stream) if (ev.type === 'response.completed') done = ev.response;
  assert.ok(done, 'response.completed arrived');
  // The SDK adds the output_text convenience only to non-streamed responses.
  const text = done.output.flatMap((o) => (o.type === 'message' ? o.content : [])).map((c) => (c.type === 'output_text' ? c.text : '')).join('');
  return { ...done, output_text: text };
}

void describe('Responses previous_response_id continues the Grok conversation', () => {
  for (const stream of [false, true]) {
    void it(`${stream ? 'streaming' : 'non-streaming'}: a 3-turn chain stays on one account and sends only each new input`, async () => {
      const h = await startHarness({ tokens: TOKENS });
      try {
        const create = (body: Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>): Promise<OpenAI.Responses.Response> =>
          stream ? streamed(h, body) : h.openai.responses.create(body);
        const r1 = await create({ model: MODEL, instructions: 'Be brief.', input: 'first question' });
        assert.ok(r1.output_text.length > 0);
        const owner = creates(h)[0]?.token as string;
        const conv1 = simConversation(h, owner);

        const r2 = await create({ model: MODEL, instructions: 'Be brief.', previous_response_id: r1.id, input: 'second question' });
        assert.equal(r2.previous_response_id, r1.id);
        assert.ok(r2.output_text.length > 0);
        const r3 = await create({ model: MODEL, instructions: 'Be brief.', previous_response_id: r2.id, input: [{ role: 'user', content: 'third question' }] });
        assert.ok(r3.output_text.length > 0);

        assert.deepEqual(prompts(h), ['[system]\nBe brief.\n\n[user]\nfirst question', 'second question', 'third question']);
        const c = creates(h);
        assert.deepEqual(c.map((f) => f.token), [owner, owner, owner], 'every turn on the first account');
        for (const f of c.slice(1)) {
          assert.equal(f.event.session?.x_grok?.load_existing, true);
          assert.equal(f.event.session?.x_grok?.conversation_id, conv1.id);
          assert.equal(f.sessionId, conv1.id);
        }
        const it2 = items(h);
        assert.equal(it2[1]?.event.parent_response_id, conv1.lastResponseId);
        assert.notEqual(it2[2]?.event.parent_response_id, conv1.lastResponseId, 'turn 3 follows turn 2, not turn 1');
        assert.equal(simConversation(h, owner).turns, 3, 'one upstream conversation holds all three turns');
        await eventually(() => h.sim.openMgwSockets() === 0, 2000, 'no mgw socket left open');
      } finally {
        await h.close();
      }
    });
  }

  void it('the account was disabled in between: the follow-up still answers, with the whole history on another account', async () => {
    const h = await startHarness({ tokens: TOKENS });
    try {
      const r1 = await h.openai.responses.create({ model: MODEL, input: 'hello there' });
      const owner = creates(h)[0]?.token as string;
      assert.equal(h.gw.accounts.setDisabled([accountIdFor(owner)], true), 1);
      const r2 = await h.openai.responses.create({ model: MODEL, previous_response_id: r1.id, input: 'and again' });
      assert.ok(r2.output_text.length > 0);
      const c = creates(h);
      assert.equal(c.length, 2, 'nothing was attempted on the disabled account');
      const other = c[1]?.token as string;
      assert.notEqual(other, owner);
      assert.equal(c[1]?.event.session?.x_grok?.load_existing, undefined);
      assert.equal(prompts(h)[1], `[user]\nhello there\n\n[assistant]\n${r1.output_text}\n\n[user]\nand again`);

      // The fallback's own conversation is the one the next turn continues.
      await h.openai.responses.create({ model: MODEL, previous_response_id: r2.id, input: 'once more' });
      assert.equal(creates(h)[2]?.token, other);
      assert.equal(creates(h)[2]?.event.session?.x_grok?.load_existing, true);
      assert.equal(prompts(h)[2], 'once more');

      // The call log says how each turn ran (newest first; the first turn asked for nothing).
      await eventually(() => h.gw.callLog.query({}, 1, 10).items.filter((e) => e.endpoint === '/v1/responses').length === 3, 2000, 'three calls logged');
      const logged = h.gw.callLog.query({}, 1, 10).items.filter((e) => e.endpoint === '/v1/responses').map((e) => e.continuation);
      assert.deepEqual(logged, ['continued', 'fallback', undefined]);
    } finally {
      await h.close();
    }
  });

  void it('changed instructions are not in the upstream conversation: the stored history is re-sent with the new ones', async () => {
    const h = await startHarness({ tokens: TOKENS });
    try {
      const r1 = await h.openai.responses.create({ model: MODEL, instructions: 'Be brief.', input: 'hello' });
      await h.openai.responses.create({ model: MODEL, instructions: 'Be verbose.', previous_response_id: r1.id, input: 'again' });
      assert.equal(creates(h)[1]?.event.session?.x_grok?.load_existing, undefined);
      assert.equal(prompts(h)[1], `[system]\nBe verbose.\n\n[user]\nhello\n\n[assistant]\n${r1.output_text}\n\n[user]\nagain`);
    } finally {
      await h.close();
    }
  });

  for (const stream of [false, true]) {
    void it(`${stream ? 'streaming' : 'non-streaming'}: a 3-step function-call loop through previous_response_id on one conversation`, async () => {
      const h = await startHarness({ tokens: TOKENS });
      try {
        const create = (body: Omit<OpenAI.Responses.ResponseCreateParamsNonStreaming, 'stream'>): Promise<OpenAI.Responses.Response> =>
          stream ? streamed(h, body) : h.openai.responses.create(body);
        // Three tool rounds are scripted in the FIRST turn only: later turns call again only
        // because the simulator's conversation still holds that turn and the earlier results.
        let r = await create({ model: MODEL, input: 'Weather in Oslo? [sim:tool-steps=3]', tools: [weather] });
        const owner = creates(h)[0]?.token as string;
        for (let step = 1; step <= 3; step++) {
          const call = r.output.find((o) => o.type === 'function_call');
          assert.ok(call && call.type === 'function_call', `step ${step}: ${JSON.stringify(r.output)}`);
          assert.equal(call.name, 'get_weather');
          r = await create({
            model: MODEL, previous_response_id: r.id, tools: [weather],
            input: [{ type: 'function_call_output', call_id: call.call_id, output: `{"temp":${20 + step}}` }],
          });
        }
        assert.equal(r.output.some((o) => o.type === 'function_call'), false);
        assert.equal(r.output_text, 'Based on the tool result: {"temp":23}');

        const p = prompts(h);
        assert.equal(p.length, 4);
        for (const [i, prompt] of p.slice(1).entries()) {
          assert.match(prompt, /Tool: get_weather/, `turn ${i + 2} carries the tool definitions`);
          assert.match(prompt, new RegExp(`Tool result \\(call_[^)]*\\): \\{"temp":${21 + i}\\}`));
          assert.doesNotMatch(prompt, /Weather in Oslo/, `turn ${i + 2} does not re-send the history`);
          assert.equal((prompt.match(/Tool result \(/g) ?? []).length, 1, 'only the new result');
        }
        assert.deepEqual(creates(h).map((f) => f.token), [owner, owner, owner, owner]);
        assert.equal(simConversation(h, owner).turns, 4);
      } finally {
        await h.close();
      }
    });
  }

  void it('the simulator refuses an unknown parent response; ChatService then falls back (or 409 when strict)', async () => {
    const h = await startHarness({ tokens: TOKENS });
    try {
      const chat = h.gw.services.chat;
      const spec = h.gw.services.models().resolve(MODEL);
      assert.ok(spec);
      const turn = { requestId: 'r1', model: MODEL, messages: [{ role: 'user' as const, text: 'hello', attachments: [] }], stream: false, includeUsage: false, reasoning: 'hidden' as const };
      const first = await chat.collect(turn, spec, new Cancellation());
      assert.ok(first.conversation);
      const stale = { ...first.conversation, upstreamResponseId: 'no-such-response' };
      const next = [{ role: 'user' as const, text: 'next', attachments: [] }];
      const history = [...turn.messages, { role: 'assistant' as const, text: first.answer.contentText(), attachments: [] }, ...next];
      await assert.rejects(
        chat.collect({ ...turn, messages: history }, spec, new Cancellation(), { continueFrom: { from: stale, newMessages: next, strict: true, param: 'previous_response_id' } }),
        (err: { status?: number; code?: string }) => err.status === 409 && err.code === 'conversation_unavailable',
      );
      const fallback = await chat.collect({ ...turn, messages: history }, spec, new Cancellation(), { continueFrom: { from: stale, newMessages: next } });
      assert.equal(fallback.continuation, 'fallback');
      assert.match(prompts(h).at(-1) ?? '', /^\[user\]\nhello\n\n\[assistant\]/);
    } finally {
      await h.close();
    }
  });
});
