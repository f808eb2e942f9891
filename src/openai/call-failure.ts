// What a failed call puts on its call context (call line, call log, metrics): the status and
// failure kind the client was told, and when retries ran out, every attempt and the last account.
import type { FastifyRequest } from 'fastify';
import { RetriesExhaustedError } from '../gateway/index.js';
import { CallError } from '../failures/index.js';

export function recordCallFailure(call: FastifyRequest['call'], err: unknown): void {
  if (!(err instanceof CallError)) return;
  call.status = err.status;
  call.kind = err.kind;
  call.error = err.code ?? err.message;
  if (err instanceof RetriesExhaustedError) {
    call.attempts = err.attempts.length;
    call.upstream = err.attempts;
    const last = err.attempts[err.attempts.length - 1];
    if (last) {
      call.account = last.account;
      call.proxy = last.proxy;
    }
  }
}
