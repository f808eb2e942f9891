// OpenAI sizes and ratios → Grok aspect ratios.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { imageAspect, videoAspect, videoResolutionForSize, videoSize } from '../../src/openai/media-params.js';
import { OpenAIHttpError } from '../../src/openai/errors.js';

void describe('media params', () => {
  void it('maps image sizes (docs/grok-protocol.md §8.2), ratios and nearest matches', () => {
    assert.equal(imageAspect(undefined), '2:3');
    assert.equal(imageAspect('auto'), '2:3');
    assert.equal(imageAspect('1024x1024'), '1:1');
    assert.equal(imageAspect('1280x720'), '16:9');
    assert.equal(imageAspect('720x1280'), '9:16');
    assert.equal(imageAspect('1024x1536'), '2:3');
    assert.equal(imageAspect('1536x1024'), '3:2');
    assert.equal(imageAspect('1792x1024'), '3:2');
    assert.equal(imageAspect('16:9'), '16:9');
    assert.equal(imageAspect('4:3'), '3:2');
    assert.equal(imageAspect('2000x1000'), '16:9');
    assert.throws(() => imageAspect('big'), (e: unknown) => e instanceof OpenAIHttpError && e.param === 'size');
  });

  void it('maps video sizes (docs/grok-protocol.md §9) and builds sizes back', () => {
    assert.equal(videoAspect(undefined), '16:9');
    assert.equal(videoAspect('720x1280'), '9:16');
    assert.equal(videoAspect('1792x1024'), '16:9');
    assert.equal(videoAspect('1:1'), '1:1');
    assert.equal(videoSize('9:16', '720p'), '720x1280');
    assert.equal(videoSize('16:9', '480p'), '854x480');
  });

  void it('videos take 4:3 and 3:4 too; a size names the resolution', () => {
    assert.equal(videoAspect('4:3'), '4:3');
    assert.equal(videoAspect('720x960'), '3:4');
    assert.equal(videoAspect('1400x1000'), '4:3', 'nearest of the seven video ratios');
    assert.equal(imageAspect('1400x1000'), '3:2', 'images keep their five');
    assert.equal(videoSize('4:3', '720p'), '960x720');
    assert.equal(videoResolutionForSize('854x480'), '480p');
    assert.equal(videoResolutionForSize('480x640'), '480p');
    assert.equal(videoResolutionForSize('1280x720'), '720p');
    assert.equal(videoResolutionForSize('16:9'), undefined);
    assert.equal(videoResolutionForSize(undefined), undefined);
  });
});
