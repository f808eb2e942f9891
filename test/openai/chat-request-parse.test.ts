// parseChatRequest takes a shortcut for bodies whose known keys are model/messages/stream: its
// result must be exactly what chatRequestSchema.safeParse gives, for valid and invalid bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequestSchema, parseChatRequest } from '../../src/openai/chat-request-schema.js';

const user = { role: 'user', content: 'Hello' };
const bodies: Record<string, unknown> = {
  'model and messages': { model: 'grok-4', messages: [user] },
  'stream true': { model: 'grok-4', messages: [user], stream: true },
  'stream null': { model: 'grok-4', messages: [user], stream: null },
  'unknown keys pass through': { model: 'grok-4', messages: [user], metadata: { a: 1 }, foo: [1, 2], service_tier: 'auto' },
  'unknown message keys are stripped': { model: 'grok-4', messages: [{ ...user, extra: 1, name: 'n' }] },
  'content parts': { model: 'grok-4', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image_url', image_url: 'data:x' }] }] },
  'a known optional key takes the full schema': { model: 'grok-4', messages: [user], temperature: 0.2, max_tokens: 5 },
  'missing model': { messages: [user] },
  'empty model': { model: '', messages: [user] },
  'model too long': { model: 'm'.repeat(1000), messages: [user] },
  'empty messages': { model: 'grok-4', messages: [] },
  'messages not an array': { model: 'grok-4', messages: 'hi' },
  'bad role': { model: 'grok-4', messages: [{ role: 'robot', content: 'x' }] },
  'bad stream': { model: 'grok-4', messages: [user], stream: 'yes' },
  'bad stream with a known key': { model: 'grok-4', messages: [user], stream: 'yes', n: 0 },
  'null body': null,
  'array body': [user],
  'string body': 'hello',
};

for (const [name, body] of Object.entries(bodies)) {
  void test(`parseChatRequest equals the full schema: ${name}`, () => {
    const fast = parseChatRequest(body);
    const full = chatRequestSchema.safeParse(body);
    assert.equal(fast.success, full.success);
    if (fast.success && full.success) assert.deepEqual(fast.data, full.data);
    else assert.deepEqual(fast.error?.issues, full.error?.issues);
  });
}

void test('parseChatRequest strips unknown message keys and keeps unknown top-level ones', () => {
  const r = parseChatRequest({ model: 'grok-4', messages: [{ ...user, extra: 1 }], foo: 'bar' });
  assert.ok(r.success);
  assert.deepEqual(r.data, { model: 'grok-4', messages: [user], foo: 'bar' });
});
