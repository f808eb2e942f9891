import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildChatBody } from '../../src/grok/chat-body.js';
import { normalizeRateLimits } from '../../src/grok/rate-limits.js';

void describe('buildChatBody', () => {
  void it('builds the legacy body of docs/grok-protocol.md §21.1', () => {
    const body = buildChatBody({ message: '[user]: Hello', modeId: 'fast', temporary: true, disableMemory: true });
    assert.deepEqual(body, {
      message: '[user]: Hello',
      modeId: 'fast',
      temporary: true,
      disableMemory: true,
      disableSearch: false,
      disableSelfHarmShortCircuit: false,
      disableTextFollowUps: false,
      enableImageGeneration: true,
      enableImageStreaming: true,
      imageGenerationCount: 2,
      returnImageBytes: false,
      returnRawGrokInXaiRequest: false,
      enableSideBySide: true,
      forceSideBySide: false,
      forceConcise: false,
      isAsyncChat: false,
      sendFinalMetadata: true,
      fileAttachments: [],
      imageAttachments: [],
      toolOverrides: {
        gmailSearch: false,
        googleCalendarSearch: false,
        outlookSearch: false,
        outlookCalendarSearch: false,
        googleDriveSearch: false,
      },
      responseMetadata: {},
      deviceEnvInfo: {
        darkModeEnabled: false,
        devicePixelRatio: 2,
        screenWidth: 2056,
        screenHeight: 1329,
        viewportWidth: 2056,
        viewportHeight: 1083,
      },
      collectionIds: [],
      connectors: [],
      searchAllConnectors: false,
    });
    assert.equal('modelName' in body, false);
    assert.equal('modelMode' in body, false);
    assert.equal('customPersonality' in body, false);
  });

  void it('optional fields', () => {
    const files = ['f-1', 'f-2'];
    const body = buildChatBody({
      message: 'm',
      modeId: 'expert',
      temporary: false,
      disableMemory: false,
      fileAttachments: files,
      customPersonality: 'Be terse.',
      imageGenerationCount: 4,
    });
    assert.deepEqual(body.fileAttachments, ['f-1', 'f-2']);
    assert.notEqual(body.fileAttachments, files, 'copied, not shared');
    assert.equal(body.customPersonality, 'Be terse.');
    assert.equal(body.imageGenerationCount, 4);
    assert.equal(body.temporary, false);
    assert.equal('customPersonality' in buildChatBody({ message: 'm', modeId: 'fast', temporary: true, disableMemory: true, customPersonality: '' }), false);
  });

  void it('bodies do not share nested objects', () => {
    const a = buildChatBody({ message: 'a', modeId: 'fast', temporary: true, disableMemory: true });
    const b = buildChatBody({ message: 'b', modeId: 'fast', temporary: true, disableMemory: true });
    assert.notEqual(a.toolOverrides, b.toolOverrides);
    assert.notEqual(a.deviceEnvInfo, b.deviceEnvInfo);
  });
});

void describe('normalizeRateLimits', () => {
  void it('A shape', () => {
    assert.deepEqual(
      normalizeRateLimits('{"windowSizeSeconds":7200,"remainingQueries":48,"totalQueries":50,"lowEffortRateLimits":null}'),
      { remaining: 48, total: 50, windowSeconds: 7200 },
    );
  });
  void it('remainingTokens fallback, missing fields, no data', () => {
    assert.deepEqual(normalizeRateLimits('{"remainingTokens":80}'), { remaining: 80, total: undefined, windowSeconds: undefined });
    assert.equal(normalizeRateLimits('{"totalQueries":50}'), null);
    assert.equal(normalizeRateLimits('<html>'), null);
    assert.equal(normalizeRateLimits('[1]'), null);
  });
});
