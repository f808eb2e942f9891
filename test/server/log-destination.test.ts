// The batched log destination: lines wait at most maxDelayMs, leave in order, and flush() writes
// what is buffered at once (shutdown).
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { batchedLogDestination } from '../../src/server/log-destination.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
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

void describe('batchedLogDestination, volume and exit', () => {
  void it('writes at once when enough is waiting, keeping order and multi-byte characters whole', async () => {
    const file = join(dir, 'c.log');
    const fd = openSync(file, 'w');
    const log = pino({ base: undefined }, batchedLogDestination(fd, 60_000));
    const n = 400;
    for (let i = 0; i < n; i++) log.info({ i, note: 'émoji ✓ 漢字 🚀' }, 'bulk');
    await sleep(200);
    // Well past the size limit: most lines are out although the delay (60 s) has not passed.
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length >= n / 2, `only ${lines.length} of ${n} lines written`);
    const parsed = lines.map((l) => JSON.parse(l) as { i: number; note: string });
    assert.deepEqual(parsed.map((p) => p.i), [...Array(lines.length).keys()]);
    assert.ok(parsed.every((p) => p.note === 'émoji ✓ 漢字 🚀'));
    closeSync(fd);
  });

  void it('writes what is still waiting when the process dies of an uncaught error', () => {
    const script = [
      "import pino from 'pino';",
      "import { batchedLogDestination } from './src/server/log-destination.ts';",
      'const log = pino({ base: undefined }, batchedLogDestination(1, 60_000));',
      "log.info('first'); log.info('last words');",
      "setImmediate(() => { throw new Error('boom'); });",
    ].join('\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: ROOT });
    assert.notEqual(r.status, 0, 'the uncaught error ends the process');
    const msgs = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
    assert.deepEqual(msgs, ['first', 'last words']);
  });
});
