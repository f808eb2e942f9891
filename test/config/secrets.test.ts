import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { maskSecret, parseSeedTokens } from '../../src/config/index.js';

void describe('parseSeedTokens', () => {
  void it('splits on commas and newlines, trims, strips sso=, drops empties and duplicates', () => {
    assert.deepEqual(parseSeedTokens(' a , sso=b\n\nSSO=c\r\nb,, a ,sso= d '), ['a', 'b', 'c', 'd']);
  });

  void it('undefined and empty give no tokens', () => {
    assert.deepEqual(parseSeedTokens(undefined), []);
    assert.deepEqual(parseSeedTokens(''), []);
    assert.deepEqual(parseSeedTokens(' ,\n sso= ,'), []);
  });
});

void describe('maskSecret', () => {
  void it('long values show first 6 and last 4', () => {
    assert.equal(maskSecret('eyJhbGciOiJIUzI1NiJ9.payload.signature'), 'eyJhbG****ture');
  });

  void it('short values show at most the last 2', () => {
    assert.equal(maskSecret('sk-12345'), '****45');
    assert.equal(maskSecret('abc'), '****');
    assert.equal(maskSecret(''), '');
  });

  void it('never returns the whole input and always hides at least half of it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (s) => {
        const masked = maskSecret(s);
        assert.notEqual(masked, s);
        assert.ok(!masked.includes(s) || s === '*' || s === '**' || s === '***' || s === '****');
        const shown = masked.replace('****', '').length;
        assert.ok(shown * 2 <= s.length, `${JSON.stringify(s)} → ${JSON.stringify(masked)}`);
      }),
    );
  });
});
