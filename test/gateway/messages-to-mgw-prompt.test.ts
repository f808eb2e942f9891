// The mgw prompt flattening: `[role]\ntext` blocks, empty messages skipped, trimmed, our artefacts
// removed from earlier answers, tool calls and results in the documented shapes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { messagesToMgwPrompt } from '../../src/gateway/messages-to-mgw-prompt.js';
import type { ConversationMessage } from '../../src/gateway/types.js';

const msg = (role: ConversationMessage['role'], text: string, extra: Partial<ConversationMessage> = {}): ConversationMessage => ({ role, text, attachments: [], ...extra });

void it('one user message is still labelled', () => {
  assert.equal(messagesToMgwPrompt([msg('user', 'Hello')]), '[user]\nHello');
  assert.equal(messagesToMgwPrompt([]), '');
});

void it('skips empty messages and trims the result', () => {
  assert.equal(messagesToMgwPrompt([msg('system', '  '), msg('user', '  Hi  \n'), msg('assistant', '')]), '[user]\nHi');
});

void it('keeps the order; earlier answers lose the think block and the sources list', () => {
  const prior = '<think>\nhmm\n</think>\n\nSunny.\n\n## Sources\n- [a](https://a.example)\n';
  assert.equal(
    messagesToMgwPrompt([msg('developer', 'Rules'), msg('user', 'Weather?'), msg('assistant', prior), msg('user', 'Tomorrow?')]),
    '[developer]\nRules\n\n[user]\nWeather?\n\n[assistant]\nSunny.\n\n[user]\nTomorrow?',
  );
});

void it('assistant tool calls as the XML block, tool results as plain text', () => {
  const out = messagesToMgwPrompt([
    msg('assistant', '', { toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{ "city": "Oslo" }' }] }),
    msg('tool', '{"temp":21}', { toolCallId: 'call_1' }),
  ]);
  assert.equal(out, '[assistant]\n<tool_calls>\n  <tool_call>\n    <tool_name>get_weather</tool_name>\n    <parameters>{"city":"Oslo"}</parameters>\n  </tool_call>\n</tool_calls>\n\n[tool]\nTool result (call_1): {"temp":21}');
});
