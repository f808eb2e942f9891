// Directive parsing and the deterministic answer, without a server.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { echoLine, expectedAnswer, parseDirectives, splitTokens } from './index.js';

void describe('parseDirectives', () => {
  void it('extracts keys and values anywhere in the text and removes them', () => {
    const { directives, text } = parseDirectives('[sim:status=403-blocked]hello [sim:stall=250] world[sim:cut]\n[sim:chunk=5]');
    assert.deepEqual(directives.status, { code: 403, variant: 'blocked' });
    assert.equal(directives.stallMs, 250);
    assert.equal(directives.cut, true);
    assert.equal(directives.chunkBytes, 5);
    assert.equal(text, 'hello  world\n');
  });

  void it('understands every documented key', () => {
    const all = '[sim:inband-error=other][sim:stall-start=10][sim:malformed][sim:tokens=3][sim:delay=4][sim:citation]' +
      '[sim:toolcard][sim:markup][sim:data-prefix][sim:unicode][sim:no-thinking][sim:heavy][sim:no-final-frames]' +
      '[sim:ws-error][sim:moderated=2][sim:ws-close][sim:slow=50][sim:slots=3]';
    const { directives: d, text } = parseDirectives(all);
    assert.equal(text, '');
    assert.deepEqual(d.unknown, []);
    assert.equal(d.inbandError, 'other');
    assert.equal(d.stallStartMs, 10);
    assert.equal(d.tokens, 3);
    assert.equal(d.delayMs, 4);
    assert.equal(d.moderated, 2);
    assert.equal(d.slowMs, 50);
    assert.equal(d.slots, 3);
    for (const k of ['malformed', 'citation', 'toolcard', 'markup', 'dataPrefix', 'unicode', 'noThinking', 'heavy', 'noFinalFrames', 'wsError', 'wsClose'] as const) {
      assert.equal(d[k], true, k);
    }
  });

  void it('plain status codes, defaults and unknown keys', () => {
    assert.deepEqual(parseDirectives('[sim:status=429]').directives.status, { code: 429 });
    assert.equal(parseDirectives('[sim:inband-error]').directives.inbandError, 'rate');
    assert.deepEqual(parseDirectives('[sim:typo=1]').directives.unknown, ['typo']);
  });
});

void describe('expectedAnswer', () => {
  void it('echoes the last non-empty line without its role label', () => {
    assert.equal(echoLine('[system]: be brief\n\n[user]: first\nsecond line\n\n'), 'second line');
    assert.equal(echoLine('[tool result for call_1]:\n42'), '42');
    assert.deepEqual(expectedAnswer('[system]: x\n\n[user]: Hello [sim:delay=5]'), {
      thinking: 'Thinking about the request.', answer: 'Echo: Hello',
    });
    assert.equal(expectedAnswer('').answer, 'Echo: (empty)');
  });

  void it('follows the text-changing directives', () => {
    assert.equal(expectedAnswer('[sim:tokens=2]').answer, 'w0 w1 ');
    assert.equal(expectedAnswer('[sim:unicode]').answer, 'Echo: héllo 世界 🌍🚀');
    assert.equal(expectedAnswer('hi [sim:no-thinking]').thinking, '');
    assert.ok(expectedAnswer('hi [sim:citation]').answer.startsWith('Echo: hi <grok:render card_id="card-1"'));
  });

  void it('tokens are small and never split a code point', () => {
    const toks = splitTokens('Echo: héllo 世界 🌍🚀 abcdefghijklmnop');
    assert.equal(toks.join(''), 'Echo: héllo 世界 🌍🚀 abcdefghijklmnop');
    assert.ok(toks.length >= 6);
    for (const t of toks) assert.ok(!/[\uD800-\uDBFF]$/.test(t), 'no dangling high surrogate');
  });
});
