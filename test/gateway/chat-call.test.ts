// The chat call the edges read: deltas in order, the finished answer at the end, failures as
// CallErrors, and the upstream turn and account lease released by the call itself, once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountSource, LeaseOutcome } from '../../src/accounts/index.js';
import type { ModelSpec } from '../../src/config/index.js';
import { CallError } from '../../src/failures/index.js';
import { Cancellation } from '../../src/gateway/call-signal.js';
import { ChatService, type ChatSettings } from '../../src/gateway/chat-service.js';
import type { ChatTurnRequest } from '../../src/gateway/types.js';
import type { ChatStreamResult, ChatTurnOpener, GrokEvent } from '../../src/grok/index.js';

function result(batches: GrokEvent[][], aborted: { count: number }): ChatStreamResult {
  let i = 0;
  const source = {
    nextBatch: () => Promise.resolve(batches[i++]),
    [Symbol.asyncIterator]: () => {
      throw new Error('not used');
    },
  };
  return { events: source, abort: () => void aborted.count++, status: 200, requestId: 'r', stats: { lines: 0, malformedLines: 0 } };
}

const token = (text: string): GrokEvent => ({ type: 'token', text, thinking: false, tag: 'final', rolloutId: undefined, responseId: undefined });

function setup(batches: GrokEvent[][]): { svc: ChatService; releases: LeaseOutcome[]; aborted: { count: number } } {
  const releases: LeaseOutcome[] = [];
  const aborted = { count: 0 };
  const accounts = {
    lease: () => Promise.resolve({ ok: true as const, lease: { accountId: 'a1', token: 't', masked: 'tok***1', release: (o: LeaseOutcome) => void releases.push(o) } }),
    summary: () => ({}) as ReturnType<AccountSource['summary']>,
  } satisfies AccountSource;
  const opener: ChatTurnOpener = { openTurn: () => Promise.resolve(result(batches, aborted)) };
  const svc = new ChatService({
    client: opener,
    accounts,
    settings: (): ChatSettings => ({
      idleTimeoutMs: 5000, requestTimeoutMs: 5000, temporary: true, disableMemory: true, customPersonality: '', showSearchSources: false, transport: 'rest',
      retry: { maxAttempts: 1, statuses: [], backoffBaseMs: 1, backoffFactor: 1, backoffMaxMs: 1, budgetMs: 1000 },
    }),
  });
  return { svc, releases, aborted };
}

const spec = { id: 'grok-chat', kind: 'chat', mode: 'auto', tier: 'basic', bucket: 'fast', aliases: [], enabled: true, description: '' } as ModelSpec;
const turn: ChatTurnRequest = { requestId: 'req-1', model: 'grok-chat', stream: true, includeUsage: false, reasoning: 'hidden', messages: [{ role: 'user', text: 'Hello', attachments: [] }] };

void describe('ChatCall', () => {
  void it('hands out the deltas in order, then the finished answer, and releases the account once', async () => {
    const { svc, releases } = setup([[{ type: 'meta', modelHash: 'hash-1' } as GrokEvent, token('Hel')], [token('lo')], [{ type: 'end', reason: 'done' } as GrokEvent]]);
    const call = await svc.openCall(turn, spec, new Cancellation(), { showSearchSources: false });
    assert.equal(call.modelHash, 'hash-1', 'known from the first events, before any is read');
    assert.equal(call.account, 'tok***1');
    const seen: string[] = [];
    const answer = await call.stream((d) => void seen.push(d.content ?? ''));
    assert.deepEqual(seen.join(''), 'Hello');
    assert.equal(answer?.contentText(), 'Hello');
    assert.equal(answer?.modelHash, 'hash-1');
    call.close();
    assert.deepEqual(releases, [{ ok: true }]);
  });

  void it('an answer with nothing in it is a CallError empty_answer, and the account is told', async () => {
    const { svc, releases } = setup([[{ type: 'meta', modelHash: 'h' } as GrokEvent], [{ type: 'end', reason: 'done' } as GrokEvent]]);
    const call = await svc.openCall(turn, spec, new Cancellation(), { showSearchSources: false });
    await assert.rejects(call.stream(() => undefined), (e: unknown) => e instanceof CallError && e.status === 502 && e.code === 'empty_answer' && e.kind === 'empty-answer');
    call.close();
    assert.equal(releases.length, 1);
    const r = releases[0];
    assert.ok(r && !r.ok && r.error.kind === 'empty-answer');
  });

  void it('stops when the caller leaves and closes the upstream; close() is idempotent', async () => {
    const { svc, releases, aborted } = setup([[token('a')], [token('b')], [token('c')]]);
    const client = new Cancellation();
    const call = await svc.openCall(turn, spec, client, { showSearchSources: false });
    const seen: string[] = [];
    const answer = await call.stream((d) => {
      seen.push(d.content ?? '');
      client.abort();
    });
    assert.equal(answer, undefined);
    assert.deepEqual(seen, ['a']);
    call.close();
    call.close();
    assert.deepEqual(releases, [{ ok: true }]);
    assert.ok(aborted.count >= 1, 'the upstream body was aborted');
  });
});
