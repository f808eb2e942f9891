// The client's message for an empty answer says so once: the edge's text, then only what was
// specific about the turn (the golden chat-rest/video-progress showed it said the same thing twice).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyAnswerError } from '../../src/grok/errors.js';
import { clientErrorForKind } from '../../src/openai/errors.js';

const TEXT = 'Grok ended the turn without an answer (no text, image or tool call)';

void test('an empty answer without specifics: the client text alone', () => {
  const e = emptyAnswerError();
  assert.equal(clientErrorForKind(e.kind, e.message).message, TEXT);
});

void test('an empty answer with specifics: the client text, then the specifics once', () => {
  const e = emptyAnswerError('the stream ended without any event');
  const m = clientErrorForKind(e.kind, e.message).message;
  assert.equal(m, `${TEXT}: the stream ended without any event`);
  assert.equal(m.match(/empty answer|without an answer/g)?.length, 1);
});
