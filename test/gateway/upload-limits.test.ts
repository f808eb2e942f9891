// Uploads v2 limits, checked before any account is leased: 8 files, 32 MiB each, 64 MiB in all.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkUploadLimits } from '../../src/gateway/upload-limits.js';
import { CallError } from '../../src/failures/index.js';

const MB = 1024 * 1024;
const file = (name: string, size: number): { fileName: string; bytes: Buffer } => ({ fileName: name, bytes: Buffer.alloc(size) });

void describe('checkUploadLimits', () => {
  void it('accepts up to 8 files within the sizes', () => {
    assert.doesNotThrow(() => checkUploadLimits(Array.from({ length: 8 }, (_, i) => file(`${i}`, 1024)), 'messages'));
    assert.doesNotThrow(() => checkUploadLimits([file('a', 32 * MB), file('b', 32 * MB)], 'messages'));
  });

  void it('refuses a 9th file, a file over 32 MiB and a total over 64 MiB, naming the field', () => {
    const cases: Array<[Array<{ fileName: string; bytes: Buffer }>, RegExp]> = [
      [Array.from({ length: 9 }, (_, i) => file(`${i}`, 1)), /At most 8 attachments/],
      [[file('big.pdf', 32 * MB + 1)], /'big\.pdf' is larger than 32 MB/],
      [[file('a', 30 * MB), file('b', 30 * MB), file('c', 5 * MB)], /total 65 MB; Grok takes at most 64 MB/],
    ];
    for (const [files, re] of cases) {
      assert.throws(
        () => checkUploadLimits(files, 'messages'),
        (e: unknown) => e instanceof CallError && e.status === 400 && re.test(e.message) && e.param === 'messages',
      );
    }
  });
});
