// The per-request logger stand-in: no pino child for requests that never log, the usual request id
// binding for those that do.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import { lazyChildLoggerFactory } from '../../src/server/lazy-child-logger.js';

function capture(): { lines: Array<Record<string, unknown>>; logger: pino.Logger; children: () => number; reset: () => void } {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  let made = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    made++;
    return child(...args);
  }) as typeof logger.child;
  return {
    lines,
    logger,
    children: () => made,
    reset: () => {
      made = 0;
    },
  };
}

void describe('lazyChildLoggerFactory', () => {
  void it('makes no child logger for a request that does not log, and a bound one for a request that does', async () => {
    const { lines, logger, children, reset } = capture();
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, childLoggerFactory: lazyChildLoggerFactory, logController: new LogController({ disableRequestLogging: true }), genReqId: () => 'req-42' });
    app.get('/quiet', async () => ({ ok: true }));
    app.get('/loud', async (request) => {
      request.log.warn({ detail: 7 }, 'something to say');
      request.log.info('and more');
      return { ok: true };
    });
    await app.ready();
    reset(); // whatever Fastify set up for itself at start
    assert.equal((await app.inject({ url: '/quiet' })).statusCode, 200);
    assert.equal(children(), 0, 'a quiet request made no child logger');
    assert.equal((await app.inject({ url: '/loud' })).statusCode, 200);
    assert.equal(children(), 1, 'one child for the request, reused for its second line');
    await new Promise((r) => setImmediate(r));
    const said = lines.filter((l) => l.msg === 'something to say' || l.msg === 'and more');
    assert.equal(said.length, 2);
    for (const l of said) assert.equal(l.reqId, 'req-42');
    assert.equal(said[0]?.detail, 7);
    await app.close();
  });

  void it('reports the level it would log at and follows a level change', async () => {
    const { logger } = capture();
    const log = lazyChildLoggerFactory(logger as FastifyBaseLogger, { reqId: 'x' }, {});
    assert.equal(log.level, 'info');
    log.level = 'error';
    assert.equal(log.level, 'error');
    assert.equal(logger.level, 'info', 'the parent keeps its level');
  });
});
