// Bodies of the media chat calls (protocol 6.2 and 7.3) and the video segment plan.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildImageEditBody, buildVideoSegmentBody, videoModeFlag, videoSegments } from '../../src/grok/index.js';

void describe('media bodies', () => {
  void it('splits durations into 6 / 10 s segments as protocol 7.3 does', () => {
    const plan = (s: number): number[] => videoSegments(s);
    assert.deepEqual(plan(4), [6]);
    assert.deepEqual(plan(6), [6]);
    assert.deepEqual(plan(8), [10]);
    assert.deepEqual(plan(10), [10]);
    assert.deepEqual(plan(12), [6, 6]);
    assert.deepEqual(plan(16), [10, 6]);
    assert.deepEqual(plan(20), [10, 10]);
    assert.deepEqual(plan(30), [10, 10, 10]);
    assert.deepEqual(plan(26), [10, 10, 6]);
  });

  void it('maps presets to mode flags', () => {
    assert.equal(videoModeFlag('custom'), 'custom');
    assert.equal(videoModeFlag('fun'), 'extremely-crazy');
    assert.equal(videoModeFlag('spicy'), 'extremely-spicy-or-crazy');
    assert.equal(videoModeFlag('normal'), 'normal');
  });

  void it('first segment: references only when given; extensions carry the stitching fields', () => {
    const first = buildVideoSegmentBody({ upstreamModel: 'imagine-video-gen', prompt: 'p', preset: 'custom', parentPostId: 'P', aspectRatio: '9:16', videoLength: 6, resolutionName: '720p' });
    assert.deepEqual(first, {
      temporary: true,
      modelName: 'imagine-video-gen',
      message: 'p --mode=custom',
      enableSideBySide: true,
      responseMetadata: { experiments: [], modelConfigOverride: { modelMap: { videoGenModelConfig: { parentPostId: 'P', aspectRatio: '9:16', videoLength: 6, resolutionName: '720p' } } } },
    });
    const withRefs = buildVideoSegmentBody({ upstreamModel: 'm', prompt: 'p', preset: 'custom', parentPostId: 'P', aspectRatio: '1:1', videoLength: 6, resolutionName: '480p', imageReferences: ['u'] });
    const cfg = (withRefs.responseMetadata as { modelConfigOverride: { modelMap: { videoGenModelConfig: Record<string, unknown> } } }).modelConfigOverride.modelMap.videoGenModelConfig;
    assert.equal(cfg.isReferenceToVideo, true);
    assert.equal(cfg.isVideoEdit, false);
    assert.deepEqual(cfg.imageReferences, ['u']);
    const ext = buildVideoSegmentBody({ upstreamModel: 'm', prompt: 'p', preset: 'fun', parentPostId: 'P', aspectRatio: '1:1', videoLength: 6, resolutionName: '480p', extension: { startTime: 6.5, extendPostId: 'V1' } });
    const e = (ext.responseMetadata as { modelConfigOverride: { modelMap: { videoGenModelConfig: Record<string, unknown> } } }).modelConfigOverride.modelMap.videoGenModelConfig;
    assert.equal(e.isVideoExtension, true);
    assert.equal(e.extendPostId, 'V1');
    assert.equal(e.originalPostId, 'P');
    assert.equal(e.parentPostId, 'P');
    assert.equal(e.stitchWithExtendPostId, true);
    assert.equal(e.mode, 'fun');
  });

  void it('image edit: the dedicated body (no modeId), references and parent post', () => {
    const b = buildImageEditBody({ upstreamModel: 'imagine-image-edit', prompt: 'x', imageReferences: ['a', 'b'], parentPostId: 'P' });
    assert.equal(b.modelName, 'imagine-image-edit');
    assert.equal(b.modeId, undefined);
    assert.equal(b.imageGenerationCount, 2);
    assert.deepEqual(b.responseMetadata, {
      modelConfigOverride: { modelMap: { imageEditModel: 'imagine', imageEditModelConfig: { imageReferences: ['a', 'b'], parentPostId: 'P' } } },
    });
  });
});
