// The emulated turn's outputs → Anthropic content blocks: the events a stream sends and the
// finished content list come from one state machine, so they always agree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ContentBlocks, toolUseId } from '../../src/anthropic/content-blocks.js';
import type { PipelineOut } from '../../src/gateway/output-pipeline.js';
import type { BlockEvent, ContentBlock } from '../../src/anthropic/wire.js';

const out = (o: Partial<PipelineOut>): PipelineOut => ({ content: '', reasoning: '', calls: [], ...o });

/** Replays the events the way an SDK accumulates them. */
function replay(events: BlockEvent[]): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  const json: string[] = [];
  for (const e of events) {
    if (e.type === 'content_block_start') {
      assert.equal(e.index, blocks.length, 'blocks start in index order');
      blocks.push(structuredClone(e.content_block));
      json[e.index] = '';
    } else if (e.type === 'content_block_delta') {
      const b = blocks[e.index];
      const d = e.delta;
      if (d.type === 'text_delta' && b?.type === 'text') b.text += d.text;
      else if (d.type === 'thinking_delta' && b?.type === 'thinking') b.thinking += d.thinking;
      else if (d.type === 'signature_delta' && b?.type === 'thinking') b.signature = d.signature;
      else if (d.type === 'input_json_delta') json[e.index] += d.partial_json;
      else assert.fail(`delta ${d.type} does not fit block ${b?.type}`);
    } else {
      const b = blocks[e.index];
      if (b?.type === 'tool_use') b.input = JSON.parse(json[e.index] ?? '{}') as Record<string, unknown>;
    }
  }
  return blocks;
}

void describe('ContentBlocks', () => {
  void it('thinking, then text, then tool calls: blocks in order, the thinking block signed when it closes', () => {
    const cb = new ContentBlocks(true);
    const events = [
      ...cb.push(out({ reasoning: 'Let me ' })),
      ...cb.push(out({ reasoning: 'think.' })),
      ...cb.push(out({ content: 'Checking.' })),
      ...cb.push(out({ content: '\n', calls: [{ id: 'call_0123456789abcdef0123456789abcdef', name: 'get_weather', arguments: '{"city":"Oslo"}' }] })),
      ...cb.finish(),
    ];
    const replayed = replay(events);
    assert.deepEqual(replayed, cb.blocks);
    assert.deepEqual(cb.blocks.map((b) => b.type), ['thinking', 'text', 'tool_use']);
    const [t, x, u] = cb.blocks;
    assert.ok(t?.type === 'thinking' && t.thinking === 'Let me think.' && t.signature.length > 20);
    assert.ok(x?.type === 'text' && x.text === 'Checking.\n');
    assert.ok(u?.type === 'tool_use' && u.id === 'toolu_0123456789abcdef0123456789abcdef');
    assert.deepEqual(u.input, { city: 'Oslo' });
    assert.equal(events.filter((e) => e.type === 'content_block_stop').length, 3);
    assert.ok(cb.hasToolUse);
  });

  void it('blank text before a call makes no empty text block; reasoning is dropped when thinking is off', () => {
    const cb = new ContentBlocks(false);
    const events = [
      ...cb.push(out({ reasoning: 'hidden', content: '\n\n' })),
      ...cb.push(out({ calls: [{ id: 'call_1', name: 'a', arguments: '{}' }] })),
      ...cb.finish(),
    ];
    assert.deepEqual(cb.blocks.map((b) => b.type), ['tool_use']);
    assert.deepEqual(replay(events), cb.blocks);
  });

  void it('blank text is kept when visible text follows it', () => {
    const cb = new ContentBlocks(false);
    cb.push(out({ content: '  ' }));
    cb.push(out({ content: 'indented' }));
    cb.finish();
    assert.deepEqual(cb.blocks, [{ type: 'text', text: '  indented' }]);
  });

  void it('tool use ids: toolu_ + the call id\'s hex', () => {
    assert.equal(toolUseId('call_abc'), 'toolu_abc');
  });
});
