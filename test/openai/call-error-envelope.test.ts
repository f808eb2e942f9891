// The gateway throws neutral CallErrors; the OpenAI edge renders them with the envelope type a
// client has always seen: the failure table's type for a kind, else the one its status implies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallError, FAILURE_KINDS, FAILURE_TABLE, badRequest, callErrorForKind } from '../../src/failures/index.js';
import { OpenAIHttpError, clientErrorForKind, toOpenAIError } from '../../src/openai/errors.js';

void describe('toOpenAIError', () => {
  void it('gives every kind its table row: status, type, code, message and Retry-After', () => {
    for (const kind of FAILURE_KINDS) {
      const neutral = callErrorForKind(kind, 'detail', 17);
      const out = toOpenAIError(neutral);
      const row = FAILURE_TABLE[kind].openai;
      assert.deepEqual([out.status, out.type, out.code, out.kind], [row.status, row.type, row.code, kind], kind);
      assert.equal(out.message, `${row.message}: detail`);
      assert.deepEqual(out.headers, neutral.headers);
      assert.deepEqual(out.toBody(), clientErrorForKind(kind, 'detail', 17).toBody());
    }
  });

  void it('types an error without a kind by its status and keeps code and param', () => {
    const cases: Array<[CallError, string]> = [
      [badRequest('bad field', 'messages', 'invalid_image'), 'invalid_request_error'],
      [new CallError(409, 'gone', { code: 'conversation_unavailable' }), 'invalid_request_error'],
      [new CallError(429, 'busy', { code: 'all_accounts_busy', headers: { 'retry-after': '1' } }), 'rate_limit_error'],
      [new CallError(503, 'none', { code: 'no_available_account' }), 'server_error'],
    ];
    for (const [err, type] of cases) {
      const out = toOpenAIError(err);
      assert.deepEqual(out.toBody(), { error: { message: err.message, type, param: err.param, code: err.code } });
      assert.equal(out.status, err.status);
      assert.deepEqual(out.headers, err.headers);
    }
  });

  void it('returns the edge’s own error as it is', () => {
    const own = new OpenAIHttpError(404, 'nope', { code: 'model_not_found', param: 'model' });
    assert.equal(toOpenAIError(own), own);
  });
});
