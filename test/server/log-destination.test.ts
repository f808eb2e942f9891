// The batched log destination: lines wait at most maxDelayMs, leave in order, and flush() writes
// what is buffered at once (shutdown).
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { batchedLogDestination } from '../../src/server/log-destination.js';

const dir = mkdtempSync(join(tmpdir(), 'logdest-'));
after(() => rmSync(dir, { recursive: true, force: true }));

void describe('batchedLogDestination', () => {
  void it('holds lines until the delay passes, then writes them in order', async () => {
    const file = join(dir, 'a.log');
    const fd = openSync(file, 'w');
    const log = pino({ base: undefined }, batchedLogDestination(fd, 100));
    log.info('one');
    log.info('two');
    await sleep(20);
    assert.equal(readFileSync(file, 'utf8'), '', 'still buffered before the delay');
    await sleep(250);
    const msgs = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(msgs, ['one', 'two']);
    closeSync(fd);
  });

  void it('flush(cb) writes the buffer at once and calls back when it is out', async () => {
    const file = join(dir, 'b.log');
    const fd = openSync(file, 'w');
    const log = pino({ base: undefined }, batchedLogDestination(fd, 60_000));
    for (let i = 0; i < 5; i++) log.info(`line ${i}`);
    await new Promise<void>((resolve, reject) => log.flush((err) => (err ? reject(err) : resolve())));
    assert.equal(readFileSync(file, 'utf8').trim().split('\n').length, 5);
    closeSync(fd);
  });
});
