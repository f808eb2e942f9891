// An upstream failure that a route lets through unmapped reaches the error handler: it leaves as the
// same OpenAI error the retry layer gives for its kind (never a 500 "internal error"), and it is not
// logged as an unhandled error (it is Grok's failure, counted on the call line like any other).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import { installErrorHandlers } from '../../src/server/error-handler.js';
import { newCallContext, type CallContext } from '../../src/calllog/index.js';

async function app(): Promise<{ app: FastifyInstance; logs: string[]; calls: CallContext[] }> {
  const logs: string[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { logs.push(chunk.toString('utf8')); cb(); } });
  const a: FastifyInstance = Fastify({ loggerInstance: pino({ level: 'debug' }, sink) as FastifyBaseLogger });
  const calls: CallContext[] = [];
  a.decorateRequest('call', undefined as unknown as CallContext);
  a.addHook('onRequest', (req, _reply, done) => {
    req.call = newCallContext('test');
    calls.push(req.call);
    done();
  });
  installErrorHandlers(a);
  a.get('/rate-limited', () => {
    throw new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: 'too many requests', retryAfterSeconds: 7 });
  });
  a.get('/empty', () => {
    throw new GrokUpstreamError({ kind: 'empty-answer', status: 502, message: 'Grok returned an empty answer' });
  });
  a.get('/bug', () => {
    throw new TypeError('a real bug');
  });
  await a.ready();
  return { app: a, logs, calls };
}

void describe('upstream errors reaching the error handler', () => {
  void it('are mapped to their client error by kind and not logged as unhandled; a real bug still is', async () => {
    const { app: a, logs, calls } = await app();
    try {
      const rl = await a.inject({ method: 'GET', url: '/rate-limited' });
      assert.equal(rl.statusCode, 429);
      assert.equal(rl.headers['retry-after'], '7');
      assert.equal(rl.json<{ error: { code: string; type: string } }>().error.code, 'rate_limit_exceeded');
      const empty = await a.inject({ method: 'GET', url: '/empty' });
      assert.equal(empty.statusCode, 502);
      const body = empty.json<{ error: { code: string; type: string; message: string; param: unknown } }>().error;
      assert.equal(body.code, 'empty_answer');
      assert.equal(body.type, 'upstream_error');
      assert.equal(calls[1]?.kind, 'empty-answer', 'the failure kind is on the call (call line, call log, metrics)');
      assert.equal(calls[1]?.status, 502);
      assert.ok(!logs.some((l) => l.includes('unhandled error')), 'no "unhandled error" line for an upstream failure');
      const bug = await a.inject({ method: 'GET', url: '/bug' });
      assert.equal(bug.statusCode, 500);
      assert.ok(logs.some((l) => l.includes('unhandled error') && l.includes('a real bug')), 'a real bug is still logged');
    } finally {
      await a.close();
    }
  });
});
