// The Redis and MySQL drivers' shared decoding of stored account JSON: broken documents are skipped
// (the load goes on) and reported, the first few in detail and then once as a count.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeAccountRecords } from '../../src/store/decode-account-records.js';
import { makeRecord } from './helpers.js';

function recordingLogger(): { lines: Array<{ obj: Record<string, unknown>; msg: string }>; error: (obj: Record<string, unknown>, msg: string) => void } {
  const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { lines, error: (obj, msg) => void lines.push({ obj, msg }) };
}

void describe('decodeAccountRecords', () => {
  void it('returns the valid records, in order, and logs nothing when all are valid', () => {
    const log = recordingLogger();
    const recs = [makeRecord(1), makeRecord(2, { proxyId: 'p1' })];
    const out = decodeAccountRecords(recs.map((r) => JSON.stringify(r)), 'redis', log);
    assert.deepEqual(out, recs);
    assert.equal(log.lines.length, 0);
  });

  void it('skips unparsable and invalid documents, details the first five invalid ones, then one count', () => {
    const log = recordingLogger();
    const good = makeRecord(1);
    const jsons = ['{not json', JSON.stringify(good), ...Array.from({ length: 7 }, (_, i) => JSON.stringify({ ...makeRecord(10 + i), tier: 'mega' }))];
    const out = decodeAccountRecords(jsons, 'mysql', log);
    assert.deepEqual(out, [good]);
    const detailed = log.lines.filter((l) => l.msg === 'skipping an invalid account record');
    // The unparsable one counts toward the five, without a line of its own.
    assert.equal(detailed.length, 4);
    assert.ok(detailed.every((l) => l.obj.store === 'mysql' && typeof l.obj.err === 'string' && /tier/.test(l.obj.err)));
    const summary = log.lines.filter((l) => l.msg === 'invalid account records were skipped');
    assert.deepEqual(summary.map((l) => l.obj), [{ store: 'mysql', skipped: 8 }]);
    // Never the token in a log line.
    assert.ok(log.lines.every((l) => !JSON.stringify(l).includes(good.token)));
  });
});
