// quota_info parsing (tolerant of missing counts, as seen live) and tier detection from the
// rate-limits totals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRateLimits, parseQuotaInfo, tierFromTotals } from '../../src/grok/index.js';

const NOW = Date.parse('2026-08-18T00:00:00Z');

void describe('parseQuotaInfo', () => {
  void it('maps imagePro/imageEdit/video/video720p; null = not offered; nextAvailableAt wins over the window', () => {
    const snap = parseQuotaInfo(
      JSON.stringify({
        image: null,
        imagePro: { available: true, remainingQueries: 2, windowSizeSeconds: 86_400 },
        imageEdit: { available: true, remainingQueries: 5, windowSizeSeconds: 86_400 },
        video: null,
        video720p: { available: true, remainingQueries: 0, windowSizeSeconds: 86_400, nextAvailableAt: '2026-08-18T04:47:49.902572219Z' },
      }),
      NOW,
    );
    assert.deepEqual(snap?.image_pro, { available: true, remaining: 2, windowSeconds: 86_400, resetAt: NOW + 86_400_000 });
    assert.deepEqual(snap?.video, { available: false, remaining: undefined, windowSeconds: undefined, resetAt: undefined });
    assert.equal(snap?.video_720p.remaining, 0);
    assert.equal(snap?.video_720p.resetAt, Date.parse('2026-08-18T04:47:49.902Z'));
  });

  void it('a missing remainingQueries is "unknown, available" (the live answer)', () => {
    const snap = parseQuotaInfo(
      '{"image":null,"imagePro":{"available":true,"windowSizeSeconds":64800},"imageEdit":{"windowSizeSeconds":64800},"video":{"available":false},"video720p":{"available":true,"windowSizeSeconds":64800}}',
      NOW,
    );
    assert.ok(snap);
    assert.deepEqual(snap.image_pro, { available: true, remaining: undefined, windowSeconds: 64_800, resetAt: NOW + 64_800_000 });
    assert.equal(snap.image_edit.available, true, 'no available flag and no count: unknown, available');
    assert.equal(snap.video.available, false);
  });

  void it('a missing key or a non-object answer rejects the whole snapshot', () => {
    assert.equal(parseQuotaInfo('{"image":null,"imagePro":null,"imageEdit":null,"video":null}'), null);
    assert.equal(parseQuotaInfo('{"image":null,"imagePro":5,"imageEdit":null,"video":null,"video720p":null}'), null);
    assert.equal(parseQuotaInfo('<html>'), null);
  });
});

void describe('tierFromTotals', () => {
  void it('auto 7/20 → basic, 50 → super, 150 → heavy; fast 30/140/400; heavy > 0 → heavy', () => {
    assert.equal(tierFromTotals({ auto: 7 }), 'basic');
    assert.equal(tierFromTotals({ auto: 20 }), 'basic');
    assert.equal(tierFromTotals({ auto: 50 }), 'super');
    assert.equal(tierFromTotals({ auto: 150 }), 'heavy');
    assert.equal(tierFromTotals({ fast: 30 }), 'basic');
    assert.equal(tierFromTotals({ fast: 140 }), 'super');
    assert.equal(tierFromTotals({ fast: 400 }), 'heavy');
    assert.equal(tierFromTotals({ heavy: 20 }), 'heavy');
  });
  void it('the lowest implied tier wins; unrecognised totals leave it undefined', () => {
    assert.equal(tierFromTotals({ auto: 150, fast: 140 }), 'super');
    assert.equal(tierFromTotals({ auto: 50, fast: 30 }), 'basic');
    assert.equal(tierFromTotals({ auto: 1000, fast: undefined }), undefined);
    assert.equal(tierFromTotals({}), undefined);
  });
  void it('rate limits: remaining clamped at 0', () => {
    assert.deepEqual(normalizeRateLimits('{"remainingQueries":-3,"totalQueries":50,"windowSizeSeconds":7200}'), { remaining: 0, total: 50, windowSeconds: 7200 });
  });
});
