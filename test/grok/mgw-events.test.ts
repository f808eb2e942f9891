// Recorded mgw server frame sequences (test/fixtures/mgw/*.jsonl) replayed through the mgw event
// parser must give exactly the golden neutral events (and classified failure) next to them; the
// answer assembler turns the citation fixture into the documented inline output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MgwEventParser, normalizeCitationUrl } from '../../src/grok/mgw/mgw-events.js';
import { AnswerAssembler } from '../../src/gateway/answer-assembler.js';
import { FIXTURE_INIT_EVENT_ID, goldenOf, mgwFixtureNames, replayMgw, replayMgwFixture } from './mgw-replay.js';

void describe('mgw frame fixtures replayed through the parser', () => {
  void it('covers the documented server events', () => {
    assert.deepEqual(mgwFixtureNames(), [
      'anti-bot-stream-error.jsonl', 'card-image.jsonl', 'failed-status.jsonl', 'inconsistent-conversation.jsonl',
      'rate-limit-error.jsonl', 'reasoning-answer.jsonl', 'search-citation.jsonl', 'session-ended.jsonl',
      'usage-limit-error.jsonl', 'x-search-defensive.jsonl',
    ]);
  });

  for (const name of mgwFixtureNames()) {
    void it(`${name} → golden events`, () => {
      // Through JSON: undefined fields are absent in the golden file.
      assert.deepEqual(JSON.parse(JSON.stringify(replayMgwFixture(name))), goldenOf(name));
    });
  }

  void it('the search + citation turn assembles to the inline markers and one annotation (protocol example)', () => {
    const { events } = replayMgwFixture('search-citation.jsonl');
    const a = new AnswerAssembler({ reasoning: 'reasoning_content' });
    for (const e of events) a.push(e);
    a.finish();
    // Spaced like the REST path's citations (the marker after "won", not glued to it).
    assert.equal(a.contentText(), 'The home team won [[1]](https://example.org/score).');
    assert.equal(a.reasoningText().includes('Searching for the result.'), true);
    const notes = a.annotations();
    assert.equal(notes.length, 1, 'the duplicated citation frame collapses');
    assert.deepEqual(notes[0]?.url_citation, { url: 'https://example.org/score', title: 'Final score', start_index: 18, end_index: 50 });
    assert.deepEqual(a.searchSources(), [{ url: 'https://example.org/score', title: 'Final score' }]);
  });

  void it('numbers sources by first appearance and repeats a number after new text', () => {
    const a = new AnswerAssembler({ reasoning: 'hidden' });
    const t = (text: string) => ({ type: 'token', text, thinking: false, tag: 'final', rolloutId: undefined, responseId: undefined }) as const;
    for (const e of [t('Alpha'), { type: 'citation', url: 'https://a.example/x' } as const, { type: 'citation', url: 'https://a.example/x' } as const, t(', beta'), { type: 'citation', url: 'https://a.example/x' } as const, { type: 'citation', url: 'https://b.example/' } as const]) a.push(e);
    a.finish();
    assert.equal(a.contentText(), 'Alpha [[1]](https://a.example/x), beta [[1]](https://a.example/x) [[2]](https://b.example/)');
  });

  void it('waits for both session.created (for our event) and conversation.attached, in either order', () => {
    const attachedFirst = replayMgw([
      '{"session_id":"s1","event":{"type":"conversation.attached","conversation":{"id":"s1"}}}',
      `{"session_id":"s1","event":{"type":"session.created","client_event_id":"${FIXTURE_INIT_EVENT_ID}"}}`,
    ]);
    assert.equal(attachedFirst.ready, true);
    assert.equal(attachedFirst.conversationId, 's1');
    const foreign = replayMgw(['{"session_id":"s1","event":{"type":"session.created","client_event_id":"evt_init_other"}}', '{"session_id":"s1","event":{"type":"conversation.attached","conversation":{"id":"s1"}}}']);
    assert.equal(foreign.ready, false, 'a session.created answering another event does not count');
  });

  void it('a continuation keeps the stored conversation id and refuses another one', () => {
    const p = new MgwEventParser('evt_init_x', 'conv-1');
    p.parse('{"session_id":"ignored","event":{"type":"session.created","client_event_id":"evt_init_x"}}');
    assert.equal(p.sessionId, 'conv-1');
    assert.throws(() => p.parse('{"event":{"type":"conversation.attached","conversation":{"id":"conv-2"}}}'), /inconsistent conversation id/);
  });

  void it('normalises citation URLs and drops unusable ones', () => {
    assert.equal(normalizeCitationUrl('https://EXAMPLE.org/a?b=1'), 'https://example.org/a?b=1');
    for (const bad of ['javascript:alert(1)', 'https://u:p@example.org/', '/relative', 'ftp://example.org/', `https://e.org/${'x'.repeat(9000)}`, 'https://e.org/\u0001', 42]) {
      assert.equal(normalizeCitationUrl(bad), undefined, String(bad).slice(0, 40));
    }
  });
});
