// data: URLs from clients: strict base64, and AttachmentLoader's checks on what they hold (an image
// attachment must be an image we recognise; its bytes decide the type, not the declared label).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBase64Strict, parseDataUrl } from '../../src/gateway/data-url.js';
import { AttachmentLoader } from '../../src/gateway/attachments.js';
import { MediaCache } from '../../src/media/index.js';
import { CallError } from '../../src/failures/index.js';
import { toOpenAIError } from '../../src/openai/errors.js';
import { makeJpeg, makePng } from '../fake-grok/index.js';

void describe('decodeBase64Strict', () => {
  void it('accepts base64 in its usual forms and refuses what is not', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 65]);
    const std = bytes.toString('base64');
    const accepted: Array<[string, Buffer]> = [
      [std, bytes],
      [std.replace(/=+$/, ''), bytes],
      [bytes.toString('base64url'), bytes],
      [std.replace(/(.{4})/g, '$1\n'), bytes],
      ['', Buffer.alloc(0)],
      ['QQ==', Buffer.from('A')],
      ['QUI=', Buffer.from('AB')],
      ['QUJD', Buffer.from('ABC')],
    ];
    for (const [text, want] of accepted) assert.deepEqual(decodeBase64Strict(text), want, JSON.stringify(text));
    for (const text of ['!!!not base64!!!', 'QUJD*', 'QQ=', 'Q', 'QUJDQ', 'QU=JD', 'QQ===', '%2B%2F', 'QUJD.png', 'Zm9v YmFy$']) {
      assert.equal(decodeBase64Strict(text), undefined, JSON.stringify(text));
    }
  });

  void it('parseDataUrl tells a bad URL from bad base64', () => {
    assert.deepEqual(parseDataUrl('data:image/PNG;base64,QUJD'), { ok: true, value: { mimeType: 'image/png', bytes: Buffer.from('ABC') } });
    assert.deepEqual(parseDataUrl('data:,a%20b'), { ok: true, value: { mimeType: 'application/octet-stream', bytes: Buffer.from('a b') } });
    assert.equal((parseDataUrl('data:image/png;base64,@@@@') as { problem: string }).problem, 'base64');
    assert.equal((parseDataUrl('data:image/png;base64') as { problem: string }).problem, 'syntax');
    assert.equal((parseDataUrl('data:text/plain,%E0%A4%A') as { problem: string }).problem, 'syntax');
  });
});

void describe('AttachmentLoader with data: URLs', () => {
  let root = '';
  let loader: AttachmentLoader;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'g2a-dataurl-'));
    const cache = await MediaCache.open(root, () => ({ imageBytes: 1_000_000, videoBytes: 1_000_000 }));
    loader = new AttachmentLoader(cache, () => ({ maxBytes: 1_000_000, timeoutMs: 1000, allowPrivate: false }));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const param = 'messages[0].content[1].image_url';
  const refused = async (url: string, code: string, kind: 'image' | 'file' = 'image'): Promise<void> => {
    await assert.rejects(loader.load({ kind, url }, param), (e: unknown) => {
      assert.ok(e instanceof CallError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.code, code, url.slice(0, 60));
      // What an OpenAI client reads: the field at fault in the envelope.
      assert.equal(toOpenAIError(e).toBody().error.param, param);
      return true;
    });
  };

  void it('invalid base64 is a 400 invalid_image naming the field (it was uploaded as image/png)', async () => {
    await refused('data:image/png;base64,this is not base64!', 'invalid_image');
    await refused('data:image/png;base64,iVBORw0KGgo*AAAA', 'invalid_image');
  });

  void it('valid base64 that is not a supported image is a 400 invalid_image', async () => {
    await refused(`data:image/png;base64,${Buffer.from('<html>error page</html>').toString('base64')}`, 'invalid_image');
    await refused(`data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`, 'invalid_image');
    await refused('data:image/svg+xml,%3Csvg%2F%3E', 'invalid_image');
  });

  void it('a declared type that does not match the bytes: the sniffed type is used', async () => {
    const jpeg = makeJpeg();
    const got = await loader.load({ kind: 'image', url: `data:image/png;base64,${jpeg.toString('base64')}` }, param);
    assert.equal(got.mimeType, 'image/jpeg');
    assert.equal(got.fileName, 'image.jpg');
    assert.deepEqual(got.bytes, jpeg);
    const png = makePng(2, 2);
    const labelled = await loader.load({ kind: 'image', url: `data:application/octet-stream;base64,${png.toString('base64')}` }, param);
    assert.equal(labelled.mimeType, 'image/png');
  });

  void it('file attachments: bad base64 is invalid_file; any valid bytes are kept as declared', async () => {
    await refused('data:application/pdf;base64,%%%', 'invalid_file', 'file');
    const ok = await loader.load({ kind: 'file', url: `data:text/plain;base64,${Buffer.from('notes').toString('base64')}`, filename: 'n.txt' }, param);
    assert.equal(ok.mimeType, 'text/plain');
    assert.equal(ok.bytes.toString(), 'notes');
  });
});
