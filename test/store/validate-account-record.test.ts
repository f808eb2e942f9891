import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accountRecordSchema, checkAccountRecord, isCanonicalAccountRecord } from '../../src/store/index.js';
import { makeRecord } from './helpers.js';

void describe('account record validation', () => {
  void it('takes the fast path only for what the schema would output unchanged', () => {
    const variants: unknown[] = [
      makeRecord(1),
      makeRecord(2, { proxyId: 'p', lastErrorKind: 'k', lastErrorMessage: 'm', quotas: {} }),
      { ...makeRecord(3), tags: undefined },
      { ...makeRecord(4), extra: true },
      { ...makeRecord(5), proxyId: undefined },
      { ...makeRecord(6), quotas: { fast: { remaining: 1, total: 2, windowSeconds: 3, resetAt: 4, syncedAt: 5 } } },
      { ...makeRecord(7), tier: 'mega' },
      { ...makeRecord(8), calls: Number.NaN },
      { ...makeRecord(9), proxyId: null },
      makeRecord(11, { userId: '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86' }),
      { ...makeRecord(12), userId: 42 },
      [makeRecord(10)],
      null,
    ];
    for (const v of variants) {
      const parsed = accountRecordSchema.safeParse(v);
      const check = checkAccountRecord(v);
      assert.equal(check.ok, parsed.success, JSON.stringify(v));
      if (check.ok && parsed.success) assert.deepEqual(check.record, parsed.data);
      if (isCanonicalAccountRecord(v)) {
        assert.ok(parsed.success, JSON.stringify(v));
        assert.deepEqual(parsed.data, v);
      }
    }
    assert.equal(isCanonicalAccountRecord(makeRecord(1)), true);
    assert.equal(isCanonicalAccountRecord({ ...makeRecord(1), extra: 1 }), false);
  });

  void it('names the failing field', () => {
    const check = checkAccountRecord({ ...makeRecord(1), status: 'gone' });
    assert.equal(check.ok, false);
    assert.match(check.ok ? '' : check.error, /^status: /);
  });
});
