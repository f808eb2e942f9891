// The prompt and input images of a media request made through chat.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { composeMediaPrompt, markdownImageUrls } from '../../src/gateway/media-prompt.js';
import { chooseImagePath } from '../../src/gateway/image-service.js';
import type { ConversationMessage } from '../../src/gateway/types.js';
import type { ModelSpec } from '../../src/config/index.js';

const msg = (role: ConversationMessage['role'], text: string, attachments: ConversationMessage['attachments'] = []): ConversationMessage => ({ role, text, attachments });

void describe('composeMediaPrompt', () => {
  void it('a single turn is the prompt as written', () => {
    assert.deepEqual(composeMediaPrompt([msg('user', 'a red fox')], { maxReferences: 7 }), { prompt: 'a red fox', references: [] });
  });

  void it('earlier turns become context; our image links are stripped from it and the last one becomes the reference', () => {
    const r = composeMediaPrompt(
      [msg('system', 'photorealistic'), msg('user', 'a red car'), msg('assistant', '![image](http://gw/images/0123456789abcdef0123456789abcdef.jpg)'), msg('user', 'now make it blue')],
      { maxReferences: 7 },
    );
    assert.equal(r?.prompt, 'now make it blue\n\n(Earlier in this conversation: photorealistic / a red car)');
    assert.deepEqual(r?.references.map((a) => a.url), ['http://gw/images/0123456789abcdef0123456789abcdef.jpg']);
  });

  void it("the last user turn's own images win; no user text → undefined", () => {
    const att = { kind: 'image' as const, url: 'data:image/png;base64,AA' };
    const r = composeMediaPrompt([msg('assistant', '![image](http://x/a.jpg)'), msg('user', 'edit this', [att])], { maxReferences: 7 });
    assert.deepEqual(r?.references, [att]);
    assert.equal(composeMediaPrompt([msg('user', '   ')], { maxReferences: 7 }), undefined);
    assert.equal(composeMediaPrompt([msg('assistant', 'hi')], { maxReferences: 7 }), undefined);
  });

  void it('markdownImageUrls', () => {
    assert.deepEqual(markdownImageUrls('![a](http://x/1.jpg) text ![b](<http://x/2.png> "t")'), ['http://x/1.jpg', 'http://x/2.png']);
  });
});

void describe('image paths', () => {
  const spec = (kind: ModelSpec['kind'], mode?: ModelSpec['mode']): ModelSpec => ({ id: 'm', kind, mode, tier: 'super', bucket: 'auto', aliases: [], enabled: true, description: '' });

  void it('chooses the upstream path by model, setting and input images', () => {
    assert.equal(chooseImagePath(spec('image', 'speed'), true, false).path, 'imagine-ws');
    assert.equal(chooseImagePath(spec('image', 'quality'), false, false).path, 'chat-image');
    assert.equal(chooseImagePath(spec('image', 'fast'), true, false).path, 'chat-image');
    assert.equal(chooseImagePath(spec('image', 'fast'), true, true).path, 'chat-image');
    assert.equal(chooseImagePath(spec('image', 'speed'), true, true).path, 'image-edit');
    assert.equal(chooseImagePath(spec('image-edit'), true, true).path, 'image-edit');
  });
});
