import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AnswerMarkupFilter, CardRegistry, type UrlCitation } from '../../src/gateway/markup-filter.js';

function registry(): CardRegistry {
  const cards = new CardRegistry();
  cards.add('c1', { id: 'c1', type: 'citation', cardType: 'citation_card', url: 'https://a.example/x' });
  cards.add('c2', { id: 'c2', type: 'citation', cardType: 'citation_card', url: 'https://b.example/y' });
  cards.add('img1', {
    id: 'img1',
    image: { title: 'A cat', thumbnail: 'https://t.example/cat.jpg', original: 'https://o.example/cat.jpg', link: 'https://l.example/cat' },
  });
  cards.add('gen1', { id: 'gen1', image_chunk: { imageUuid: 'u', imageUrl: 'users/1/generated/u/image.jpg', progress: 100 } });
  cards.noteTitle('https://a.example/x', 'Page A');
  return cards;
}

const cite = (id: string) =>
  `<grok:render card_id="${id}" card_type="citation_card" type="render_inline_citation"><argument name="citation_id">${id}</argument></grok:render>`;

// A sample with every kind of markup, stray '<'s, and unicode.
const SAMPLE =
  'Intro: a < b and <div> and <3 and x<y.\n' +
  '<xaiArtifact artifact_id="1" title="a>b.py" contentType="text/python">print("héllo")\n</xaiArtifact>\n' +
  `Fact one${cite('c1')}${cite('c1')}. Fact two${cite('c2')} and again${cite('c1')}.\n` +
  '<xai:tool_usage_card><xai:tool_usage_card_id>t1</xai:tool_usage_card_id><xai:tool_name>web_search</xai:tool_name></xai:tool_usage_card>' +
  'Img: <grok:render card_id="img1" card_type="image_card" type="render_searched_image"></grok:render>\n' +
  'Gen: <grok:render card_id="gen1" card_type="generated_image_card" type="render_generated_image"/>' +
  'Unknown: <grok:render card_id="nope" card_type="x" type="render_inline_citation"></grok:render>' +
  '<grok:render card_id="c2" card_type="citation_card" type="render_inline_citation" /> 日本語 ✅ end <';

function runWhole(text: string): { out: string; ann: UrlCitation[] } {
  const f = new AnswerMarkupFilter(registry());
  const out = f.push(text) + f.flush();
  return { out, ann: f.annotations() };
}

function runPieces(pieces: string[]): { out: string; ann: UrlCitation[] } {
  const f = new AnswerMarkupFilter(registry());
  let out = '';
  for (const p of pieces) out += f.push(p);
  out += f.flush();
  return { out, ann: f.annotations() };
}

function assertClean(out: string): void {
  const lower = out.toLowerCase();
  for (const bad of ['grok:render', 'xai:tool_usage_card', 'xaiartifact', 'argument name', 'card_id']) {
    assert.ok(!lower.includes(bad), `markup leaked (${bad}): ${JSON.stringify(out)}`);
  }
}

void test('the sample is rewritten as expected', () => {
  const { out, ann } = runWhole(SAMPLE);
  assert.equal(
    out,
    'Intro: a < b and <div> and <3 and x<y.\n' +
      'print("héllo")\n\n' +
      'Fact one [[1]](https://a.example/x). Fact two [[2]](https://b.example/y) and again [[1]](https://a.example/x).\n' +
      'Img: [![A cat](https://t.example/cat.jpg)](https://l.example/cat)\n' +
      'Gen: Unknown: [[2]](https://b.example/y) 日本語 ✅ end <',
  );
  assertClean(out);
  assert.equal(ann.length, 4);
  for (const a of ann) {
    const { url, start_index, end_index } = a.url_citation;
    assert.equal(out.slice(start_index, end_index), `[[${url.includes('a.example') ? 1 : 2}]](${url})`);
  }
  assert.equal(ann[0]?.url_citation.title, 'Page A');
  assert.equal(ann[1]?.url_citation.title, 'https://b.example/y');
});

void test('char-by-char gives the same output and annotations', () => {
  const whole = runWhole(SAMPLE);
  const chars = runPieces([...SAMPLE]);
  assert.equal(chars.out, whole.out);
  assert.deepEqual(chars.ann, whole.ann);
  // UTF-16 unit by unit too (splitting surrogate pairs)
  const units = runPieces(SAMPLE.split(''));
  assert.equal(units.out, whole.out);
  assert.deepEqual(units.ann, whole.ann);
});

void test('every single split position gives the same output (no markup survives)', () => {
  const whole = runWhole(SAMPLE);
  for (let i = 0; i <= SAMPLE.length; i++) {
    const r = runPieces([SAMPLE.slice(0, i), SAMPLE.slice(i)]);
    assert.equal(r.out, whole.out, `split at ${i}`);
    assert.deepEqual(r.ann, whole.ann, `split at ${i}`);
  }
});

void test('random multi-way splits give the same output (property)', () => {
  const whole = runWhole(SAMPLE);
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 1, max: SAMPLE.length - 1 }), { maxLength: 40 }), (cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const pieces: string[] = [];
      let prev = 0;
      for (const c of sorted) {
        pieces.push(SAMPLE.slice(prev, c));
        prev = c;
      }
      pieces.push(SAMPLE.slice(prev));
      const r = runPieces(pieces);
      assert.equal(r.out, whole.out);
      assert.deepEqual(r.ann, whole.ann);
    }),
    { numRuns: 300 },
  );
});

void test('a stray < is released as soon as it cannot start a known tag', () => {
  const f = new AnswerMarkupFilter(new CardRegistry());
  assert.equal(f.push('a < b'), 'a < b');
  assert.equal(f.push('x <3'), 'x <3');
  assert.equal(f.push('<div>'), '<div>');
  assert.equal(f.push('if a<'), 'if a'); // could still be a tag: held
  assert.equal(f.push('b then'), '<b then');
  assert.equal(f.push('<x'), ''); // could be <xaiArtifact or <xai:tool_usage_card
  assert.equal(f.push('ml>'), '<xml>');
  assert.equal(f.push('<<g'), '<');
  assert.equal(f.push('rok>'), '<grok>');
  assert.equal(f.push('</'), '');
  assert.equal(f.push('p>'), '</p>');
  assert.equal(f.push('<grok:renderer>'), '<grok:renderer>');
  assert.equal(f.push('<XAI>'), '<XAI>');
  assert.equal(f.flush(), '');
});

void test('text without < passes through as the same string', () => {
  const f = new AnswerMarkupFilter(new CardRegistry());
  const t = 'plain text, no markup at all';
  assert.equal(f.push(t), t);
  assert.equal(f.emittedLength, t.length);
});

void test('artifact tags are dropped, their body kept; case-insensitive names', () => {
  const { out } = runPieces(['<XAIARTIFACT title="t">', 'code()', '</xaiartifact>', '<xaiArtifact/>', 'after']);
  assert.equal(out, 'code()after');
});

void test('tool usage card spans are removed whole, including a self-closing one', () => {
  const { out } = runPieces(['A', '<xai:tool_usage_card>', 'inner <b>stuff</b>', '</xai:tool_usage_card >', 'B<xai:tool_usage_card/>C']);
  assert.equal(out, 'ABC');
});

void test('stray closing tags are dropped', () => {
  assert.equal(runWhole('a</grok:render>b</xai:tool_usage_card>c</xaiArtifact>d').out, 'abcd');
});

void test('a near-miss closing tag inside a skipped span does not end it', () => {
  assert.equal(runWhole(`x${'<grok:render card_id="c1" type="render_inline_citation">'}</grok:renderx></grok:render>y`).out, 'x [[1]](https://a.example/x)y');
});

void test('citations: numbered by first appearance; immediate repeats dropped; no space added after a space', () => {
  // The whitespace Grok wrote between the two identical citations stays (markdown collapses it).
  const { out, ann } = runWhole(`A ${cite('c2')} B${cite('c1')} ${cite('c1')} C${cite('c2')}`);
  assert.equal(out, 'A [[1]](https://b.example/y) B [[2]](https://a.example/x)  C [[1]](https://b.example/y)');
  assert.deepEqual(
    ann.map((a) => [a.url_citation.url, out.slice(a.url_citation.start_index, a.url_citation.end_index)]),
    [
      ['https://b.example/y', '[[1]](https://b.example/y)'],
      ['https://a.example/x', '[[2]](https://a.example/x)'],
      ['https://b.example/y', '[[1]](https://b.example/y)'],
    ],
  );
});

void test('citation offsets are absolute across tokens and count UTF-16 units', () => {
  const f = new AnswerMarkupFilter(registry());
  let out = f.push('😀 émoji line\n');
  out += f.push('second');
  out += f.push(cite('c1'));
  out += f.flush();
  const [a] = f.annotations();
  assert.ok(a);
  assert.equal(out.slice(a.url_citation.start_index, a.url_citation.end_index), '[[1]](https://a.example/x)');
  assert.equal(a.url_citation.start_index, '😀 émoji line\nsecond '.length);
});

void test('searched image without a link, and missing thumbnail', () => {
  const cards = new CardRegistry();
  cards.add('i1', { image: { title: 'x]y', original: 'https://o.example/a b.png' } });
  cards.add('i2', { image: { title: 'none' } });
  const f = new AnswerMarkupFilter(cards);
  const out = f.push('<grok:render card_id="i1" type="render_searched_image"/><grok:render card_id="i2" type="render_searched_image"/>') + f.flush();
  assert.equal(out, '![x\\]y](https://o.example/a%20b.png)');
});

void test('flush: a dangling < or partial name is text; an unfinished known tag is dropped', () => {
  const cases: Array<[string[], string]> = [
    [['end <'], 'end <'],
    [['end </'], 'end </'],
    [['end <xai'], 'end <xai'],
    [['end <grok:render'], 'end '],
    [['end <grok:render card_id="c1"'], 'end '],
    [['end <xai:tool_usage_card>unterminated body'], 'end '],
    [['x', cite('c1').slice(0, 90)], 'x [[1]](https://a.example/x)'],
  ];
  for (const [pieces, expected] of cases) assert.equal(runPieces(pieces).out, expected, JSON.stringify(pieces));
});

void test('an open tag that never closes is released after the length cap', () => {
  const f = new AnswerMarkupFilter(new CardRegistry());
  let out = f.push('<grok:render title="');
  assert.equal(out, '');
  const filler = 'z'.repeat(3000);
  out += f.push(filler);
  out += f.flush();
  assert.equal(out, `<grok:render title="${filler}`);
});

void test('quoted > inside attributes does not end the tag', () => {
  assert.equal(runWhole('<xaiArtifact title="a > b" x=\'>\'>body</xaiArtifact>').out, 'body');
});
