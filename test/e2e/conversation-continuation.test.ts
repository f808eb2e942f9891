// Multi-turn continuation end to end (chat.continue_conversations and ChatService's continueFrom):
// a second turn that extends an answered one runs on the same account, re-opens the conversation
// (load_existing + parent_response_id) and sends only the new message; when its account is gone,
// or the transport is REST, the whole history is sent on any account; strict callers get a 409.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountIdFor } from '../../src/accounts/index.js';
import { Cancellation } from '../../src/grok/index.js';
import { chatTurns, eventually, startHarness, type Harness } from './harness.js';

const TOKENS = ['sso-continue-token-0001', 'sso-continue-token-0002'];
const MODEL = 'grok-chat-fast';
const CONTINUE = { chat: { continue_conversations: true } };

interface Frame {
  token: string | undefined;
  event: { type?: string; parent_response_id?: string; session?: { x_grok?: Record<string, unknown> } };
  sessionId: unknown;
}

/** The mgw client frames the simulator received, in order. */
function frames(h: Harness): Frame[] {
  return h.sim.requests
    .filter((r) => r.method === 'WS' && r.path === '/ws/mgw/')
    .map((r) => {
      const b = r.body as { event?: Frame['event']; session_id?: unknown };
      return { token: r.token, event: b.event ?? {}, sessionId: b.session_id };
    })
    .filter((f) => f.event.type !== 'ping');
}

function creates(h: Harness): Frame[] {
  return frames(h).filter((f) => f.event.type === 'session.create');
}

/** The conversation the simulator remembers for a token (id + last response id). */
function conversationOf(h: Harness, token: string): { id: string; lastResponseId: string | undefined } {
  const hits = [...h.sim.mgwConversations().entries()].filter(([, c]) => c.token === token);
  assert.equal(hits.length, 1, `one conversation on ${token.slice(0, 12)}`);
  const [id, c] = hits[0] as [string, { lastResponseId: string | undefined }];
  return { id, lastResponseId: c.lastResponseId };
}

async function ask(h: Harness, messages: Array<{ role: 'user' | 'assistant' | 'system'; content: string }>, stream = false): Promise<string> {
  if (!stream) {
    const r = await h.openai.chat.completions.create({ model: MODEL, messages });
    return r.choices[0]?.message.content ?? '';
  }
  let text = '';
  for await (const chunk of await h.openai.chat.completions.create({ model: MODEL, messages, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

void describe('multi-turn continuation (chat.continue_conversations)', () => {
  for (const stream of [false, true]) {
    void it(`${stream ? 'streaming' : 'non-streaming'}: the second turn continues on the same account and sends only the new message`, async () => {
      const h = await startHarness({ tokens: TOKENS, overrides: CONTINUE });
      try {
        const first = [{ role: 'system' as const, content: 'Be brief.' }, { role: 'user' as const, content: 'first question' }];
        const answer = await ask(h, first, stream);
        assert.ok(answer.length > 0);
        const owner = creates(h)[0]?.token as string;
        const conv = conversationOf(h, owner);
        assert.ok(conv.lastResponseId);

        const second = await ask(h, [...first, { role: 'assistant', content: answer }, { role: 'user', content: 'second question' }], stream);
        assert.ok(second.length > 0);
        const c = creates(h);
        assert.equal(c.length, 2);
        assert.equal(c[1]?.token, owner, 'same account');
        assert.equal(c[1]?.event.session?.x_grok?.load_existing, true);
        assert.equal(c[1]?.event.session?.x_grok?.conversation_id, conv.id);
        assert.equal(c[1]?.sessionId, conv.id);
        const items = frames(h).filter((f) => f.event.type === 'conversation.item.create');
        assert.equal(items[1]?.event.parent_response_id, conv.lastResponseId);
        assert.deepEqual(chatTurns(h).map((t) => t.prompt), ['[system]\nBe brief.\n\n[user]\nfirst question', 'second question']);

        // A third turn continues from the second answer (its new response id), still on that account.
        const convAfter = conversationOf(h, owner);
        assert.notEqual(convAfter.lastResponseId, conv.lastResponseId);
        await ask(h, [...first, { role: 'assistant', content: answer }, { role: 'user', content: 'second question' }, { role: 'assistant', content: second }, { role: 'user', content: 'third' }], stream);
        const items3 = frames(h).filter((f) => f.event.type === 'conversation.item.create');
        assert.equal(items3[2]?.event.parent_response_id, convAfter.lastResponseId);
        assert.equal(creates(h)[2]?.token, owner);
        assert.equal(chatTurns(h)[2]?.prompt, 'third');
        await eventually(() => h.sim.openMgwSockets() === 0, 2000, 'no mgw socket left open');
      } finally {
        await h.close();
      }
    });
  }

  void it('off by default: an extending request sends the whole history, flattened, as a new conversation', async () => {
    const h = await startHarness({ tokens: TOKENS });
    try {
      const answer = await ask(h, [{ role: 'user', content: 'hello' }]);
      await ask(h, [{ role: 'user', content: 'hello' }, { role: 'assistant', content: answer }, { role: 'user', content: 'again' }]);
      assert.equal(creates(h)[1]?.event.session?.x_grok?.load_existing, undefined);
      assert.equal(chatTurns(h)[1]?.prompt, `[user]\nhello\n\n[assistant]\n${answer}\n\n[user]\nagain`);
    } finally {
      await h.close();
    }
  });

  void it('an edited earlier answer does not match: the whole history is sent', async () => {
    const h = await startHarness({ tokens: TOKENS, overrides: CONTINUE });
    try {
      await ask(h, [{ role: 'user', content: 'hello' }]);
      await ask(h, [{ role: 'user', content: 'hello' }, { role: 'assistant', content: 'not what you said' }, { role: 'user', content: 'again' }]);
      assert.equal(creates(h)[1]?.event.session?.x_grok?.load_existing, undefined);
      assert.match(chatTurns(h)[1]?.prompt ?? '', /^\[user\]\nhello\n\n\[assistant\]\nnot what you said/);
    } finally {
      await h.close();
    }
  });

  void it('the account is gone: falls back to the whole history on another account', async () => {
    const h = await startHarness({ tokens: TOKENS, overrides: CONTINUE });
    try {
      const answer = await ask(h, [{ role: 'user', content: 'hello' }]);
      const owner = creates(h)[0]?.token as string;
      assert.equal(h.gw.accounts.remove([accountIdFor(owner)]), 1);
      const second = await ask(h, [{ role: 'user', content: 'hello' }, { role: 'assistant', content: answer }, { role: 'user', content: 'again' }]);
      assert.ok(second.length > 0);
      const c = creates(h);
      assert.equal(c.length, 2, 'no turn was attempted on the removed account');
      assert.notEqual(c[1]?.token, owner);
      assert.equal(c[1]?.event.session?.x_grok?.load_existing, undefined);
      assert.equal(chatTurns(h)[1]?.prompt, `[user]\nhello\n\n[assistant]\n${answer}\n\n[user]\nagain`);
    } finally {
      await h.close();
    }
  });

  void it('the account was revoked upstream: the one pinned attempt fails, then the whole history goes to another account', async () => {
    const h = await startHarness({ tokens: TOKENS, overrides: CONTINUE });
    try {
      const answer = await ask(h, [{ role: 'user', content: 'hello' }]);
      const owner = creates(h)[0]?.token as string;
      h.sim.removeToken(owner);
      await ask(h, [{ role: 'user', content: 'hello' }, { role: 'assistant', content: answer }, { role: 'user', content: 'again' }]);
      const other = TOKENS.find((t) => t !== owner);
      const turns = chatTurns(h);
      assert.equal(turns.length, 2, 'the refused handshake sent no item');
      assert.equal(creates(h)[1]?.token, other);
      assert.equal(turns[1]?.prompt, `[user]\nhello\n\n[assistant]\n${answer}\n\n[user]\nagain`);
    } finally {
      await h.close();
    }
  });

  void it('REST transport: continuation is not available, the whole history is sent', async () => {
    const h = await startHarness({ tokens: TOKENS, overrides: CONTINUE });
    try {
      const answer = await ask(h, [{ role: 'user', content: 'hello' }]); // remembered over mgw
      h.gw.loaded.config.grok.chat_transport = 'rest'; // a live settings change
      await ask(h, [{ role: 'user', content: 'hello' }, { role: 'assistant', content: answer }, { role: 'user', content: 'again' }]);
      const turns = chatTurns(h);
      assert.equal(turns[1]?.transport, 'rest');
      assert.match(turns[1]?.prompt ?? '', /hello[\s\S]*again/);
    } finally {
      await h.close();
    }
  });
});

void describe('ChatService continuation API (what Responses previous_response_id uses)', () => {
  const turn = (text: string) => ({ requestId: 'r1', model: MODEL, messages: [{ role: 'user' as const, text, attachments: [] }], stream: false, includeUsage: false, reasoning: 'hidden' as const });

  void it('reports {accountId, conversationId, upstreamResponseId} and continues from it; strict fails with 409 when the account is gone', async () => {
    const h = await startHarness({ tokens: TOKENS });
    try {
      const chat = h.gw.services.chat;
      const spec = h.gw.services.models().resolve(MODEL);
      assert.ok(spec);
      const first = await chat.collect(turn('hello'), spec, new Cancellation());
      assert.equal(first.continuation, 'none');
      const ref = first.conversation;
      assert.ok(ref);
      const owner = creates(h)[0]?.token as string;
      assert.equal(ref.accountId, accountIdFor(owner));
      assert.deepEqual({ id: ref.conversationId, last: ref.upstreamResponseId }, { id: conversationOf(h, owner).id, last: conversationOf(h, owner).lastResponseId });

      const history = [{ role: 'user' as const, text: 'hello', attachments: [] }, { role: 'assistant' as const, text: first.answer.contentText(), attachments: [] }, { role: 'user' as const, text: 'next', attachments: [] }];
      const second = await chat.collect({ ...turn('x'), messages: history }, spec, new Cancellation(), { continueFrom: { from: ref, newMessages: history.slice(2), strict: true, param: 'previous_response_id' } });
      assert.equal(second.continuation, 'continued');
      assert.equal(second.conversation?.accountId, ref.accountId);
      assert.equal(second.conversation?.conversationId, ref.conversationId);
      assert.equal(chatTurns(h)[1]?.prompt, 'next');

      h.gw.accounts.remove([ref.accountId]);
      await assert.rejects(
        chat.collect({ ...turn('x'), messages: history }, spec, new Cancellation(), { continueFrom: { from: ref, newMessages: history.slice(2), strict: true, param: 'previous_response_id' } }),
        (err: { status?: number; code?: string; param?: string }) => err.status === 409 && err.code === 'conversation_unavailable' && err.param === 'previous_response_id',
      );
      assert.equal(chatTurns(h).length, 2, 'nothing was sent for the strict failure');
      const fallback = await chat.collect({ ...turn('x'), messages: history }, spec, new Cancellation(), { continueFrom: { from: ref, newMessages: history.slice(2) } });
      assert.equal(fallback.continuation, 'fallback');
      assert.notEqual(fallback.conversation?.accountId, ref.accountId);
    } finally {
      await h.close();
    }
  });
});
