// Anthropic system + messages → the neutral conversation: block by block, order kept.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toConversation } from '../../src/anthropic/to-conversation.js';
import { messagesRequestSchema } from '../../src/anthropic/request-schema.js';

function convert(body: Record<string, unknown>) {
  const parsed = messagesRequestSchema.parse({ model: 'claude-x', max_tokens: 10, ...body });
  return toConversation(parsed.system, parsed.messages);
}

void describe('toConversation', () => {
  void it('system blocks join into one system turn; cache_control is ignored', () => {
    const c = convert({
      system: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
    });
    assert.deepEqual(c, [
      { role: 'system', text: 'A\nB', attachments: [] },
      { role: 'user', text: 'hi', attachments: [] },
    ]);
  });

  void it('tool_use → assistant tool calls; tool_result → tool turns in order, errors marked, text after them kept after', () => {
    const c = convert({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [
          { type: 'thinking', thinking: 'secret', signature: 'sig' },
          { type: 'text', text: 'Calling.' },
          { type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 1 } },
          { type: 'tool_use', id: 'toolu_2', name: 'g', input: {} },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'one' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: [{ type: 'text', text: 'boom' }], is_error: true },
          { type: 'text', text: 'now answer' },
        ] },
      ],
    });
    assert.deepEqual(c.map((m) => [m.role, m.text, m.toolCallId ?? '']), [
      ['user', 'go', ''],
      ['assistant', 'Calling.', ''],
      ['tool', 'one', 'toolu_1'],
      ['tool', '(the tool reported an error) boom', 'toolu_2'],
      ['user', 'now answer', ''],
    ]);
    assert.deepEqual(c[1]?.toolCalls, [{ id: 'toolu_1', name: 'f', arguments: '{"a":1}' }, { id: 'toolu_2', name: 'g', arguments: '{}' }]);
    assert.ok(!JSON.stringify(c).includes('secret'), 'earlier thinking is left out');
  });

  void it('images become attachments (base64 as a data: URL), documents with text sources become text', () => {
    const c = convert({
      messages: [{ role: 'user', content: [
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0K' } },
        { type: 'image', source: { type: 'url', url: 'https://example.com/a.jpg' } },
        { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'doc body' }, title: 'Notes' },
        { type: 'text', text: 'what?' },
      ] }],
    });
    assert.equal(c.length, 1);
    assert.equal(c[0]?.text, 'Notes\ndoc body\nwhat?');
    assert.deepEqual(c[0]?.attachments.map((a) => [a.kind, a.url, a.param]), [
      ['image', 'data:image/png;base64,iVBORw0K', 'messages[0].content[0].source'],
      ['image', 'https://example.com/a.jpg', 'messages[0].content[1].source'],
    ]);
  });

  void it('a tool_result in an assistant message is a 400 naming the block', () => {
    assert.throws(() => convert({ messages: [{ role: 'assistant', content: [{ type: 'tool_result', tool_use_id: 'x', content: 'y' }] }, { role: 'user', content: 'z' }] }),
      (err: Error & { param?: string }) => err.param === 'messages[0].content[0]');
  });
});
