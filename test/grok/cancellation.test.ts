// Cancellation stands in for AbortController on the chat path: it must behave like one for every
// consumer there, undici's request() included.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { request } from 'undici';
import { Cancellation, toAbortSignal } from '../../src/grok/index.js';

void describe('Cancellation', () => {
  void it('runs each listener once on abort, not removed ones, not ones added afterwards', () => {
    const c = new Cancellation();
    const calls: string[] = [];
    const a = (): void => void calls.push('a');
    const b = (): void => void calls.push('b');
    c.addEventListener('abort', a);
    c.addEventListener('abort', b, { once: true });
    c.removeEventListener('abort', a);
    assert.equal(c.aborted, false);
    c.abort();
    c.abort(new Error('second'));
    c.addEventListener('abort', () => calls.push('late'));
    assert.deepEqual(calls, ['b']);
    assert.equal(c.aborted, true);
    assert.ok(c.reason instanceof DOMException);
    assert.equal((c.reason as DOMException).name, 'AbortError');
  });

  void it('keeps the given reason and hands it to a real AbortSignal made before or after', () => {
    const before = new Cancellation();
    const early = before.signal;
    const why = new Error('client gone');
    before.abort(why);
    assert.equal(early.aborted, true);
    assert.equal(early.reason, why);
    const after = new Cancellation();
    after.abort(why);
    assert.equal(toAbortSignal(after).reason, why);
    const real = new AbortController().signal;
    assert.equal(toAbortSignal(real), real);
  });

  void it('aborts an undici request in flight with its reason', async () => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const c = new Cancellation();
      const pending = request(`http://127.0.0.1:${port}/`, { signal: c });
      setTimeout(() => c.abort(new Error('stop now')), 50);
      await assert.rejects(pending, /stop now/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
