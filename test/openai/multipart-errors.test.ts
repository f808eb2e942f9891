// Every error the multipart parser raises maps to a client error (4xx, OpenAI envelope), except the
// library's own faults and socket errors, which stay internal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import multipart from '@fastify/multipart';
import { OpenAIHttpError } from '../../src/openai/errors.js';
import { multipartFailure } from '../../src/openai/multipart-errors.js';

void describe('multipartFailure', () => {
  void it("maps @fastify/multipart's error classes and busboy's parse errors", async () => {
    const app = Fastify();
    await app.register(multipart);
    await app.ready();
    const e = app.multipartErrors;
    const cases: Array<[Error, number, string]> = [
      [new e.PartsLimitError(), 400, 'too_many_parts'],
      [new e.FieldsLimitError(), 400, 'too_many_parts'],
      [new e.FilesLimitError(), 400, 'too_many_files'],
      [new e.RequestFileTooLargeError(), 413, 'file_too_large'],
      [new e.PrototypeViolationError(), 400, 'invalid_multipart'],
      [new e.PrematureCloseError(), 400, 'invalid_multipart'],
      [new e.InvalidMultipartContentTypeError(), 400, 'invalid_multipart'],
      [new Error('Part terminated early due to unexpected end of multipart data'), 400, 'invalid_multipart'],
      [new Error('Unexpected end of multipart data'), 400, 'invalid_multipart'],
      [new Error('Multipart: Boundary not found'), 400, 'invalid_multipart'],
      [new Error('Malformed part header'), 400, 'invalid_multipart'],
    ];
    for (const [err, status, code] of cases) {
      const out = multipartFailure(err);
      assert.ok(out instanceof OpenAIHttpError, err.message);
      assert.equal(out.status, status, err.message);
      assert.equal(out.code, code, err.message);
      assert.equal(out.toBody().error.type, 'invalid_request_error', err.message);
      assert.equal(out.toBody().error.param, null, err.message);
    }
    await app.close();
  });

  void it('passes through what is not the body: our own 4xx, aborts, socket errors, library faults', async () => {
    const app = Fastify();
    await app.register(multipart);
    await app.ready();
    const ours = new OpenAIHttpError(400, 'x', { code: 'too_many_files' });
    assert.equal(multipartFailure(ours), ours);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    assert.equal(multipartFailure(abort), abort);
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    assert.equal(multipartFailure(reset), reset);
    // FileBufferNotFoundError (FST_FILE_BUFFER_NOT_FOUND, 500): not in the plugin's typings.
    const fault = Object.assign(new Error('the file buffer was not found'), { code: 'FST_FILE_BUFFER_NOT_FOUND', statusCode: 500 });
    assert.equal(multipartFailure(fault), fault);
    // A long parser message is bounded before it reaches the client.
    assert.ok(multipartFailure(new Error('y'.repeat(10_000))).message.length < 300);
    await app.close();
  });
});
