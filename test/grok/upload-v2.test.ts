// Uploads v2 pure parts: the multipart body, the browser-style filename, the answer parser with
// terminalError, and which id goes where (chat mention vs image-edit input).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IMAGINE_FILE_SOURCE,
  browserMultipartFilename,
  buildUploadV2Body,
  chatFileId,
  editAssetId,
  isTerminalError,
  parseUploadV2Response,
} from '../../src/grok/index.js';

void describe('browserMultipartFilename', () => {
  void it('keeps UTF-8, drops CR/LF, replaces other controls with _, escapes \\ and "', () => {
    assert.equal(browserMultipartFilename('猫 photo.png'), '猫 photo.png');
    assert.equal(browserMultipartFilename('a\r\nb.png'), 'ab.png');
    assert.equal(browserMultipartFilename('a\tb\u0000c\u007f.png'), 'a_b_c_.png');
    assert.equal(browserMultipartFilename('say "hi"\\now.txt'), 'say \\"hi\\"\\\\now.txt');
    assert.equal(browserMultipartFilename(''), 'upload.bin');
    assert.equal(browserMultipartFilename('\r\n'), 'upload.bin');
  });
});

void describe('buildUploadV2Body', () => {
  const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);

  void it('a chat attachment: the file part only, raw bytes, the boundary in the content type', () => {
    const b = buildUploadV2Body({ fileName: 'cat.png', mimeType: 'image/png', bytes }, undefined, 'b7Q');
    assert.equal(b.contentType, 'multipart/form-data; boundary=b7Q');
    const expected = Buffer.concat([
      Buffer.from('--b7Q\r\nContent-Disposition: form-data; name="file"; filename="cat.png"\r\nContent-Type: image/png\r\n\r\n'),
      bytes,
      Buffer.from('\r\n--b7Q--\r\n'),
    ]);
    assert.deepEqual(b.body, expected);
  });

  void it('an image-edit input: file then file_source', () => {
    const b = buildUploadV2Body({ fileName: 'a "b".png', mimeType: 'image/png', bytes }, IMAGINE_FILE_SOURCE, 'XX');
    const text = b.body.toString('latin1');
    assert.ok(text.includes('filename="a \\"b\\".png"'));
    assert.ok(text.endsWith(`--XX\r\nContent-Disposition: form-data; name="file_source"\r\n\r\n${IMAGINE_FILE_SOURCE}\r\n--XX--\r\n`));
    assert.ok(text.indexOf('name="file"') < text.indexOf('name="file_source"'));
  });

  void it('an odd MIME type cannot inject part headers', () => {
    const b = buildUploadV2Body({ fileName: 'x', mimeType: 'image/png\r\nX-Evil: 1', bytes }, undefined, 'B');
    assert.ok(!b.body.toString('latin1').includes('X-Evil'));
    assert.ok(b.body.toString('latin1').includes('Content-Type: application/octet-stream'));
  });

  void it('a fresh boundary per body by default', () => {
    const a = buildUploadV2Body({ fileName: 'x', mimeType: 'text/plain', bytes });
    const c = buildUploadV2Body({ fileName: 'x', mimeType: 'text/plain', bytes });
    assert.notEqual(a.contentType, c.contentType);
    assert.match(a.contentType, /^multipart\/form-data; boundary=----WebKitFormBoundary/);
  });
});

void describe('parseUploadV2Response', () => {
  void it('reads uploadId, fileMetadataId and fileUri', () => {
    const r = parseUploadV2Response('{"uploadId":"upl_4b2c","fileMetadata":{"fileMetadataId":"fm_71c3","fileUri":"/users/u/fm_71c3/content"},"terminalError":null}');
    assert.deepEqual(r, { ok: true, result: { uploadId: 'upl_4b2c', fileMetadataId: 'fm_71c3', fileId: undefined, fileUri: 'users/u/fm_71c3/content' } });
  });

  void it('terminalError: non-empty string/object/array, true or a non-zero number rejects; null, {}, "", 0, false do not', () => {
    for (const v of ['"quota"', '{"code":"X","message":"scanner said no"}', '[1]', 'true', '3']) {
      const r = parseUploadV2Response(`{"uploadId":"u","fileMetadata":{"fileMetadataId":"f"},"terminalError":${v}}`);
      assert.equal(r.ok, false, v);
      assert.match(r.ok ? '' : r.reason, /^terminalError: /);
    }
    for (const v of ['null', '{}', '""', '0', 'false', '[]']) {
      assert.equal(parseUploadV2Response(`{"uploadId":"u","terminalError":${v}}`).ok, true, v);
    }
    assert.equal(isTerminalError(undefined), false);
    assert.equal(isTerminalError({ message: 'x' }), true);
  });

  void it('the message of an object terminalError is kept', () => {
    const r = parseUploadV2Response('{"terminalError":{"message":"file type not allowed"}}');
    assert.deepEqual(r, { ok: false, reason: 'terminalError: file type not allowed' });
  });

  void it('not JSON, not an object, or neither an id nor a URI → a reason', () => {
    assert.equal(parseUploadV2Response('<html>').ok, false);
    assert.equal(parseUploadV2Response('[1]').ok, false);
    assert.deepEqual(parseUploadV2Response('{"terminalError":null}'), { ok: false, reason: 'the answer carries neither an id nor a fileUri' });
  });
});

void describe('which id goes where', () => {
  const base = { uploadId: undefined, fileMetadataId: undefined, fileId: undefined, fileUri: undefined };
  void it('chat mentions: fileMetadataId, else fileId, else uploadId', () => {
    assert.equal(chatFileId({ ...base, uploadId: 'u', fileId: 'f', fileMetadataId: 'm' }), 'm');
    assert.equal(chatFileId({ ...base, uploadId: 'u', fileId: 'f' }), 'f');
    assert.equal(chatFileId({ ...base, uploadId: 'u' }), 'u');
    assert.equal(chatFileId({ ...base, fileUri: 'users/x' }), undefined);
  });
  void it('image-edit inputs: only the fileMetadataId', () => {
    assert.equal(editAssetId({ ...base, uploadId: 'u', fileMetadataId: 'm' }), 'm');
    assert.equal(editAssetId({ ...base, uploadId: 'u', fileId: 'f' }), undefined);
  });
});
