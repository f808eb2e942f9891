// Bodies of the media calls on conversations/new (docs/grok-protocol.md, "Image edit" and "Video"):
// the exact shapes the web app sends (captured by the reference client), no media post.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageEditBody, buildVideoBody, videoModeFlag } from '../../src/grok/index.js';

void describe('media bodies', () => {
  void it('maps presets to mode flags', () => {
    assert.equal(videoModeFlag('custom'), 'custom');
    assert.equal(videoModeFlag('fun'), 'extremely-crazy');
    assert.equal(videoModeFlag('spicy'), 'extremely-spicy-or-crazy');
    assert.equal(videoModeFlag('normal'), 'normal');
  });

  void it('image edit: exactly six keys, imageToImage with the fileMetadataIds; aspectRatio only when given', () => {
    const b = buildImageEditBody({ prompt: 'turn the cat into a watercolor', inputAssets: ['fm_1', 'fm_2'] });
    assert.deepEqual(b, {
      modelName: 'imagine-image-edit',
      message: 'turn the cat into a watercolor',
      enableImageStreaming: true,
      enableSideBySide: true,
      sendFinalMetadata: true,
      mediaGenInput: { imageToImage: { prompt: 'turn the cat into a watercolor', inputAssets: ['fm_1', 'fm_2'] } },
    });
    const sized = buildImageEditBody({ prompt: 'p', inputAssets: ['fm_1'], aspectRatio: '1:1', upstreamModel: 'custom-edit' });
    assert.equal(sized.modelName, 'custom-edit');
    assert.deepEqual((sized.mediaGenInput as { imageToImage: unknown }).imageToImage, { prompt: 'p', inputAssets: ['fm_1'], aspectRatio: '1:1' });
    assert.throws(() => buildImageEditBody({ prompt: 'p', inputAssets: [] }), /1 to 8/);
    assert.throws(() => buildImageEditBody({ prompt: 'p', inputAssets: Array.from({ length: 9 }, (_, i) => `fm_${i}`) }), /1 to 8/);
  });

  void it('video: exactly eight keys, textToVideo with the bare prompt, kind imagine, empty modelMap', () => {
    const b = buildVideoBody({ prompt: 'a paper boat', preset: 'custom', aspectRatio: '9:16', duration: 6, resolutionName: '720p' });
    assert.deepEqual(b, {
      modelName: 'imagine-video-gen',
      message: 'a paper boat --mode=custom',
      enableImageStreaming: true,
      enableSideBySide: true,
      sendFinalMetadata: true,
      responseMetadata: { experiments: [], modelConfigOverride: { modelMap: {} } },
      mediaGenInput: { textToVideo: { prompt: 'a paper boat', aspectRatio: '9:16', duration: 6, resolutionName: '720p' } },
      kind: 'CONVERSATION_KIND_IMAGINE',
    });
    assert.match(String(buildVideoBody({ prompt: 'x', preset: 'fun', aspectRatio: '1:1', duration: 1, resolutionName: '480p' }).message), / --mode=extremely-crazy$/);
    assert.throws(() => buildVideoBody({ prompt: 'x', preset: 'custom', aspectRatio: '1:1', duration: 16, resolutionName: '480p' }), /1 to 15/);
    assert.throws(() => buildVideoBody({ prompt: 'x', preset: 'custom', aspectRatio: '1:1', duration: 0, resolutionName: '480p' }), /1 to 15/);
  });
});
