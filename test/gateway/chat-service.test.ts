// ChatService builds one neutral turn per attempt and lets the live setting pick the transport:
// mgw turns carry the `[role]\ntext` prompt, an mgw mode and the account's cached user id (a
// looked-up one is stored back); REST turns keep the April prompt and modeId.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AccountPool } from '../../src/accounts/index.js';
import { newAccountRecord } from '../../src/accounts/pool-account.js';
import type { ModelSpec } from '../../src/config/index.js';
import { AnswerAssembler, type GeneratedImageRef } from '../../src/gateway/answer-assembler.js';
import { ChatService, mgwMode, type ChatSettings } from '../../src/gateway/chat-service.js';
import type { GeneratedImageLinker, ImageLinkContext, LinkedImages } from '../../src/gateway/generated-image-links.js';
import type { ChatTurnRequest } from '../../src/gateway/types.js';
import type { ChatStreamResult, ChatTurnInput, ChatTurnOpener, GrokEvent, TurnOpenOptions } from '../../src/grok/index.js';

function result(events: GrokEvent[]): ChatStreamResult {
  let sent = false;
  const source = {
    nextBatch: () => {
      if (sent) return Promise.resolve(undefined);
      sent = true;
      return Promise.resolve(events);
    },
    [Symbol.asyncIterator]: () => {
      throw new Error('not used');
    },
  };
  return { events: source, abort: () => undefined, status: 200, requestId: 'r', stats: { lines: 0, malformedLines: 0 } };
}

class RecordingOpener implements ChatTurnOpener {
  turns: ChatTurnInput[] = [];
  constructor(private readonly discovered?: string) {}
  openTurn(_token: string, turn: ChatTurnInput, opts?: TurnOpenOptions): Promise<ChatStreamResult> {
    this.turns.push(turn);
    if (this.discovered && turn.userId === undefined) opts?.onUserId?.(this.discovered);
    return Promise.resolve(result([
      { type: 'token', text: 'ok', thinking: false, tag: 'final', rolloutId: undefined, responseId: undefined },
      { type: 'end', reason: 'done' },
    ]));
  }
}

const spec = { id: 'grok-chat-expert', kind: 'chat', mode: 'expert', tier: 'basic', bucket: 'fast', aliases: [], enabled: true, description: '' } as ModelSpec;
const request: ChatTurnRequest = {
  requestId: 'req-1', model: 'grok-chat-expert', stream: false, includeUsage: false, reasoning: 'hidden',
  messages: [
    { role: 'system', text: 'Be brief.', attachments: [] },
    { role: 'user', text: 'Hello', attachments: [] },
  ],
};

void describe('ChatService turn input', () => {
  void it('reads grok.chat_transport per call and builds each transport its own prompt; caches a looked-up user id', async () => {
    const accounts = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 1, preferHigherTier: false }));
    const rec = newAccountRecord('svc-token-0000000001', 'super', Date.now());
    accounts.upsertRecord(rec);
    const ids = new Map<string, string>();
    const opener = new RecordingOpener('3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86');
    let transport: ChatSettings['transport'] = 'mgw';
    const svc = new ChatService({
      client: opener,
      accounts,
      userIds: { userIdOf: (id) => ids.get(id), setUserId: (id, uid) => ids.set(id, uid) },
      settings: () => ({
        idleTimeoutMs: 5000, requestTimeoutMs: 5000, temporary: true, disableMemory: true, customPersonality: '', showSearchSources: false, transport,
        retry: { maxAttempts: 1, statuses: [], backoffBaseMs: 1, backoffFactor: 1, backoffMaxMs: 1, budgetMs: 1000 },
      }),
    });
    const signal = new AbortController().signal;
    await svc.collect(request, spec, signal);
    await svc.collect(request, spec, signal);
    transport = 'rest';
    await svc.collect(request, spec, signal);
    const [first, second, third] = opener.turns;
    assert.equal(first?.transport, 'mgw');
    assert.equal(first?.prompt, '[system]\nBe brief.\n\n[user]\nHello');
    assert.equal(first?.mode, 'expert');
    assert.equal(first?.userId, undefined, 'unknown at first: the transport looks it up');
    assert.equal(ids.get(rec.id), '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86', 'the looked-up id is cached on the account');
    assert.equal(second?.userId, '3f6c2a9e-8b41-4d7a-9c55-0e2b7d1a4f86', 'and sent on the next turn');
    assert.equal(third?.transport, 'rest', 'a live settings change applies to the next call');
    assert.equal(third?.prompt, '[system]: Be brief.\n\n[user]: Hello');
    assert.equal(third?.userId, undefined);
  });

  void it('maps registry modes onto the four mgw models', () => {
    assert.deepEqual(['fast', 'auto', 'expert', 'heavy', 'grok-420-computer-use-sa', undefined].map(mgwMode), ['fast', 'auto', 'expert', 'heavy', 'expert', 'auto']);
  });
});

/** Answers every turn with these events. */
class FixedOpener implements ChatTurnOpener {
  constructor(private readonly events: () => GrokEvent[]) {}
  openTurn(): Promise<ChatStreamResult> {
    return Promise.resolve(result(this.events()));
  }
}

const imageEvents = (text: string): GrokEvent[] => [
  ...(text === '' ? [] : [{ type: 'token', text, thinking: false, tag: 'final', rolloutId: undefined, responseId: undefined } as GrokEvent]),
  { type: 'image-progress', index: 0, progress: 50, url: 'users/u/generated/1/image.jpg', assetId: undefined, moderated: false },
  { type: 'image-progress', index: 0, progress: 100, url: 'users/u/generated/1/image.jpg', assetId: undefined, moderated: false },
  { type: 'image-progress', index: 1, progress: 100, url: 'users/u/generated/2/image.jpg', assetId: undefined, moderated: true },
  { type: 'end', reason: 'done' },
];

void describe('ChatService: images Grok drew in the answer', () => {
  const settings = (): ChatSettings => ({
    idleTimeoutMs: 5000, requestTimeoutMs: 5000, temporary: true, disableMemory: true, customPersonality: '', showSearchSources: false, transport: 'mgw',
    retry: { maxAttempts: 1, statuses: [], backoffBaseMs: 1, backoffFactor: 1, backoffMaxMs: 1, budgetMs: 1000 },
  });
  function service(events: () => GrokEvent[], fail: boolean): { svc: ChatService; linked: Array<{ urls: string[]; token: string; base: string | undefined }> } {
    const accounts = new AccountPool(() => ({ maxInflight: 8, invalidAfter: 1, preferHigherTier: false }));
    accounts.upsertRecord(newAccountRecord('svc-token-img-0000001', 'super', Date.now()));
    const linked: Array<{ urls: string[]; token: string; base: string | undefined }> = [];
    const images = {
      link: (refs: GeneratedImageRef[], ctx: ImageLinkContext): Promise<LinkedImages> => {
        linked.push({ urls: refs.map((r) => r.url), token: ctx.token, base: ctx.requestBaseUrl?.() });
        return Promise.resolve(fail ? { urls: [], failure: new Error('asset 404') } : { urls: refs.map((_r, i) => `http://gw.example/images/${i}.jpg`), failure: undefined });
      },
    } as unknown as GeneratedImageLinker;
    return { svc: new ChatService({ client: new FixedOpener(events), accounts, settings, images }), linked };
  }
  const turn: ChatTurnRequest = { ...request, mediaBaseUrl: () => 'http://gw.example' };

  void it('collect (non-streaming): the final, unmoderated images end the answer, linked with the account that drew them', async () => {
    const { svc, linked } = service(() => imageEvents('A fox:'), false);
    const done = await svc.collect(turn, spec, new AbortController().signal);
    assert.equal(done.answer.contentText(), 'A fox:\n\n![image](http://gw.example/images/0.jpg)');
    assert.deepEqual(linked, [{ urls: ['users/u/generated/1/image.jpg'], token: 'svc-token-img-0000001', base: 'http://gw.example' }]);
  });

  void it('openStream: finishAnswer gives the images as the last delta', async () => {
    const { svc } = service(() => imageEvents(''), false);
    const opened = await svc.openStream(turn, spec, new AbortController().signal);
    const a = new AnswerAssembler({ reasoning: 'hidden' });
    for (let batch = opened.first; batch; batch = await opened.upstream.nextBatch()) for (const ev of batch) assert.equal(a.push(ev), undefined);
    assert.deepEqual(await opened.finishAnswer(a), { content: '![image](http://gw.example/images/0.jpg)' });
    opened.upstream.close();
    opened.lease.release({ ok: true });
  });

  void it('openCall: the streamed call ends with the images as its last delta, and the answer holds them', async () => {
    const { svc } = service(() => imageEvents('A fox:'), false);
    const call = await svc.openCall(turn, spec, new AbortController().signal, { showSearchSources: false });
    const deltas: string[] = [];
    const answer = await call.stream((d) => {
      if (d.content) deltas.push(d.content);
    });
    assert.equal(deltas.at(-1), '\n\n![image](http://gw.example/images/0.jpg)');
    assert.equal(answer?.contentText(), 'A fox:\n\n![image](http://gw.example/images/0.jpg)');
  });

  void it('an image that cannot be fetched: left out; with nothing else to answer, the fetch failure is the error', async () => {
    const withText = service(() => imageEvents('A fox:'), true);
    const done = await withText.svc.collect(turn, spec, new AbortController().signal);
    assert.equal(done.answer.contentText(), 'A fox:');
    const imageOnly = service(() => imageEvents(''), true);
    await assert.rejects(imageOnly.svc.collect(turn, spec, new AbortController().signal), /asset 404/);
  });
});
