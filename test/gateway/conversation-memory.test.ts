// chat.continue_conversations matching: the request's part up to its last assistant message must
// equal a remembered request + our answer; bounded by entries and age.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConversationMemory } from '../../src/gateway/conversation-memory.js';
import type { ConversationMessage } from '../../src/gateway/types.js';

const m = (role: ConversationMessage['role'], text: string): ConversationMessage => ({ role, text, attachments: [] });
const ref = (n: number) => ({ accountId: `acc${n}`, conversationId: `conv${n}`, upstreamResponseId: `resp${n}` });

void describe('ConversationMemory', () => {
  void it('matches the request that extends a remembered answer and returns only what follows it', () => {
    const mem = new ConversationMemory({ maxEntries: 10, ttlMs: 1000 });
    mem.remember([m('system', 'sys'), m('user', 'hi')], 'Hello!', ref(1));
    const hit = mem.match([m('system', 'sys'), m('user', 'hi'), m('assistant', ' Hello!\n'), m('user', 'more'), m('user', 'and more')]);
    assert.deepEqual(hit, { ref: ref(1), newMessages: [m('user', 'more'), m('user', 'and more')] });
  });

  void it('misses when an earlier message, the answer or the system prompt differ, or nothing follows the answer', () => {
    const mem = new ConversationMemory({ maxEntries: 10, ttlMs: 1000 });
    mem.remember([m('system', 'sys'), m('user', 'hi')], 'Hello!', ref(1));
    assert.equal(mem.match([m('system', 'other'), m('user', 'hi'), m('assistant', 'Hello!'), m('user', 'x')]), undefined);
    assert.equal(mem.match([m('system', 'sys'), m('user', 'hi'), m('assistant', 'Hello'), m('user', 'x')]), undefined);
    assert.equal(mem.match([m('user', 'hi'), m('assistant', 'Hello!'), m('user', 'x')]), undefined);
    assert.equal(mem.match([m('system', 'sys'), m('user', 'hi'), m('assistant', 'Hello!')]), undefined);
    assert.equal(mem.match([m('user', 'x')]), undefined);
  });

  void it('forgets entries past the TTL and the oldest past maxEntries', () => {
    let now = 0;
    const mem = new ConversationMemory({ maxEntries: 2, ttlMs: 1000, now: () => now });
    for (let i = 1; i <= 3; i++) mem.remember([m('user', `q${i}`)], `a${i}`, ref(i));
    assert.equal(mem.size, 2);
    assert.equal(mem.match([m('user', 'q1'), m('assistant', 'a1'), m('user', 'x')]), undefined);
    assert.equal(mem.match([m('user', 'q3'), m('assistant', 'a3'), m('user', 'x')])?.ref.accountId, 'acc3');
    now = 1001;
    assert.equal(mem.match([m('user', 'q3'), m('assistant', 'a3'), m('user', 'x')]), undefined);
  });
});
