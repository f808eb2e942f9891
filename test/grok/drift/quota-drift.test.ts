// Drift checks of the quota answers: rate-limits and quota_info as documented give no finding;
// a renamed count, a changed type, a new bucket or an HTML page each give one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkImagineMessage, checkQuotaInfoAnswer, checkRateLimitsAnswer, checkUploadAnswer, imagineAlwaysChecked } from '../../../src/grok/drift/index.js';

const sig = (fs: Array<{ kind: string; path: string; type: string }>): string[] => fs.map((f) => `${f.kind} ${f.path} ${f.type}`);

void describe('quota answer drift', () => {
  void it('rate-limits: the documented answer and the simulator\'s give none', () => {
    assert.deepEqual(sig(checkRateLimitsAnswer('{"windowSizeSeconds":7200,"remainingQueries":31,"totalQueries":50}')), []);
    assert.deepEqual(sig(checkRateLimitsAnswer('{"windowSizeSeconds":7200,"remainingQueries":3,"totalQueries":50,"remainingTokens":3,"lowEffortRateLimits":null,"highEffortRateLimits":null}')), []);
  });

  void it('rate-limits: renamed count, changed type, HTML', () => {
    assert.deepEqual(sig(checkRateLimitsAnswer('{"windowSizeSeconds":7200,"queriesLeft":31,"totalQueries":50}')), [
      'unknown-field rate-limits.queriesLeft number',
      'missing-field rate-limits.remainingQueries undefined',
    ]);
    assert.deepEqual(sig(checkRateLimitsAnswer('{"windowSizeSeconds":"7200","remainingQueries":31}')), ['type-changed rate-limits.windowSizeSeconds string']);
    assert.deepEqual(sig(checkRateLimitsAnswer('<!DOCTYPE html><title>Just a moment...</title>')), ['html-body rate-limits answer html']);
  });

  void it('quota_info: the documented answer gives none; a new bucket and a changed type give one each', () => {
    const doc = {
      image: null,
      imagePro: { available: true, remainingQueries: 3, windowSizeSeconds: 86400 },
      imageEdit: { available: true, windowSizeSeconds: 64800 },
      video: null,
      video720p: { available: false, remainingQueries: 0, windowSizeSeconds: 86400, nextAvailableAt: '2026-08-30T06:00:00.123456789Z' },
    };
    assert.deepEqual(sig(checkQuotaInfoAnswer(JSON.stringify(doc))), []);
    assert.deepEqual(sig(checkQuotaInfoAnswer(JSON.stringify({ ...doc, video1080p: null }))), ['unknown-field quota_info.video1080p null']);
    assert.deepEqual(sig(checkQuotaInfoAnswer(JSON.stringify({ ...doc, imagePro: { available: 'yes' } }))), ['type-changed quota_info.imagePro.available string']);
  });
});

void describe('upload answer drift', () => {
  void it('the documented answer, and a refused upload, give none', () => {
    assert.deepEqual(sig(checkUploadAnswer('{"uploadId":"u1","fileMetadata":{"fileMetadataId":"f1","fileUri":"users/x/f1","mimeType":"image/png"},"terminalError":null}')), []);
    assert.deepEqual(sig(checkUploadAnswer('{"uploadId":"","fileMetadata":null,"terminalError":"file too large"}')), []);
  });

  void it('a renamed envelope key and a lost id are findings', () => {
    assert.deepEqual(sig(checkUploadAnswer('{"upload_id":"u1","fileMetadata":{"fileUri":"users/x/f1"},"terminalError":null}')), [
      'unknown-field upload.upload_id string',
      'missing-field upload.fileMetadata.fileMetadataId undefined',
    ]);
  });
});

void describe('imagine message drift', () => {
  void it('the documented messages give none', () => {
    for (const m of [
      { type: 'json', current_status: 'start_stage', image_id: 'slot-a', order: 0, width: 1024, height: 1024 },
      { type: 'image', id: 'slot-a', url: 'https://imagine-public.x.ai/imagine-public/images/slot-a.png', blob: 'AAAA', percentage_complete: 50 },
      { type: 'json', current_status: 'completed', image_id: 'slot-a', moderated: false },
      { type: 'error', err_code: 'x', err_msg: 'y' },
    ]) assert.deepEqual(sig(checkImagineMessage(m)), [], JSON.stringify(m));
  });

  void it('a new message type, a renamed blob and a changed type give one each', () => {
    assert.deepEqual(sig(checkImagineMessage({ type: 'video', id: 'a' })), ['unknown-event imagine video object']);
    assert.deepEqual(sig(checkImagineMessage({ type: 'image', id: 'a', data: 'AAAA', percentage_complete: 100 })), ['renamed-field imagine image.blob data:string']);
    assert.deepEqual(sig(checkImagineMessage({ type: 'image', id: 'a', blob: 'AAAA', percentage_complete: '100' })), ['type-changed imagine image.percentage_complete string']);
    assert.equal(imagineAlwaysChecked({ type: 'video' }), true);
    assert.equal(imagineAlwaysChecked({ type: 'image' }), false);
  });
});
