// The lines a failed start prints: one per failure (one per problem for a bad configuration),
// never a stack trace or a multi-line message.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/index.js';
import { DataDirError } from '../../src/server/data-dir-check.js';
import { listenFailureLine, startupFailureLines } from '../../src/server/startup-failure.js';
import { StoreError } from '../../src/store/index.js';

void describe('start-up failure lines', () => {
  void it('an unexpected error is one line with its message, without the stack', () => {
    const err = new TypeError('something broke\n  on two lines');
    const lines = startupFailureLines(err);
    assert.deepEqual(lines, ['grok2api-ts did not start: TypeError: something broke on two lines']);
    assert.ok(err.stack && !lines[0]?.includes(' at '));
  });

  void it('store, data directory: one line each, saying what to do', () => {
    assert.deepEqual(startupFailureLines(new StoreError('redis', 'connect ECONNREFUSED 127.0.0.1:1')), [
      'storage error: connect ECONNREFUSED 127.0.0.1:1; grok2api-ts did not start: the store is unreachable (check storage.mode / STORAGE_URL and that the server is up).',
    ]);
    assert.deepEqual(startupFailureLines(new DataDirError('/d', 'EACCES', 'data directory /d is not writable')), ['grok2api-ts did not start: data directory /d is not writable']);
  });

  void it('a bad configuration: one line per problem and one closing line', () => {
    const lines = startupFailureLines(new ConfigError(['server.port: bad', 'chat.reasoning: bad']));
    assert.deepEqual(lines.slice(0, 2), ['config error: server.port: bad', 'config error: chat.reasoning: bad']);
    assert.equal(lines.length, 3);
  });

  void it('listen errors name the address and the reason', () => {
    const inUse = Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' });
    assert.match(listenFailureLine('0.0.0.0', 8000, inUse), /^listen error: cannot listen on 0\.0\.0\.0:8000: EADDRINUSE \(another process is using this port\); grok2api-ts did not start: /);
    assert.match(listenFailureLine('10.9.9.9', 80, Object.assign(new Error('x'), { code: 'EADDRNOTAVAIL' })), /10\.9\.9\.9:80: EADDRNOTAVAIL \(no interface/);
  });
});
