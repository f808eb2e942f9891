// The chat use case: model spec + conversation → an upstream Grok stream on a leased account,
// retried on other accounts until the first event arrives (streaming: a ChatCall the edge reads)
// or the whole answer is in (non-streaming, where nothing has reached the client yet).
import type { AccountLease, AccountSource, AccountTier } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import { RouteAttempts, type EgressSelector } from '../egress/index.js';
import {
  type AbortLike,
  type ChatTransport,
  type ChatTurnInput,
  type ChatTurnOpener,
  type GrokRoute,
  classifyInBandError,
  emptyAnswerError,
  type GrokEvent,
} from '../grok/index.js';
import { AnswerAssembler, type AnswerDelta } from './answer-assembler.js';
import { ChatCall, type FinishedAnswer } from './chat-call.js';
import type { AttachmentUploader, PreparedFile } from './attachments.js';
import type { GeneratedImageLinker } from './generated-image-links.js';
import { withRouteLabels } from './route-labels.js';
import { messagesToGrokPrompt } from './messages-to-grok-prompt.js';
import { messagesToMgwPrompt } from './messages-to-mgw-prompt.js';
import { RetriesExhaustedError, runWithAccountRetries, type AttemptRecord, type RetryPolicy } from './retry.js';
import type { ChatTurnRequest } from './types.js';
import { UpstreamChat } from './upstream-chat.js';
import type { ContinuationOutcome, ContinueFrom, ConversationRef } from './conversation-ref.js';
import { CallError } from '../failures/index.js';

export interface ChatSettings {
  idleTimeoutMs: number;
  requestTimeoutMs: number;
  temporary: boolean;
  disableMemory: boolean;
  customPersonality: string;
  showSearchSources: boolean;
  retry: RetryPolicy;
  /** grok.chat_transport: the mgw WebSocket (default) or the legacy REST NDJSON path. */
  transport: ChatTransport;
}

/** Where the account's user id (mgw socket address) is cached: the account record. */
export interface AccountUserIds {
  userIdOf(accountId: string): string | undefined;
  setUserId(accountId: string, userId: string): void;
}

export interface ChatServiceDeps {
  /** Opens a turn over the transport the turn names (ChatTurnRouter in production). */
  client: ChatTurnOpener;
  /** The accounts' cached user ids (absent: looked up per turn by the mgw client). */
  userIds?: AccountUserIds | undefined;
  accounts: AccountSource;
  /** Read on every call so settings changed live apply to the next request. */
  settings: () => ChatSettings;
  onRetry?: (info: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }) => void;
  /** Outbound proxies: each attempt leaves through the account's bound proxy (absent = the client's default egress). */
  egress?: EgressSelector | undefined;
  /** Uploads image/file parts and sends them as fileAttachments (absent = attachments are ignored). */
  attachments?: AttachmentUploader | undefined;
  /** Links the images Grok drew in an answer (absent = no media runtime: they are not shown). */
  images?: GeneratedImageLinker | undefined;
}

/** A stream that produced its first events; the caller pumps the rest and ends with finishAnswer(). */
export interface OpenedChatStream {
  /** The first batch of events (undefined when the upstream ended without any). */
  first: GrokEvent[] | undefined;
  upstream: UpstreamChat;
  lease: AccountLease;
  attempts: AttemptRecord[];
  /** Egress of the successful attempt (`direct` or the masked proxy URL). */
  proxy?: string | undefined;
  /** Whether the turn continued an earlier conversation, fell back from one, or neither. */
  continuation: ContinuationOutcome;
  /** Once the stream has ended: where the turn lives upstream (mgw only), for a later continuation. */
  conversation(): ConversationRef | undefined;
  /**
   * Once every event was pushed: ends the answer with the images Grok drew, linked while this
   * account is still leased (ChatService.finishAnswer). Call it instead of `assembler.finish()`.
   */
  finishAnswer(assembler: AnswerAssembler): Promise<AnswerDelta | undefined>;
}

export interface CollectedChat {
  answer: FinishedAnswer;
  account: string;
  attempts: AttemptRecord[];
  proxy?: string | undefined;
  continuation: ContinuationOutcome;
  /** Where the turn lives upstream (mgw only; undefined on REST or when an id was missing). */
  conversation: ConversationRef | undefined;
}

/** Options of one chat turn. */
export interface ChatTurnOptions {
  /** Continue this earlier conversation on its own account (mgw), else fall back as documented. */
  continueFrom?: ContinueFrom | undefined;
  /**
   * Pool ids never leased for this turn: an emulated turn whose answer came back empty retries on
   * another account (the plain path gets this from runWithAccountRetries' own exclusion).
   */
  avoidAccounts?: readonly string[] | undefined;
}

/**
 * A continued turn reached an attempt on another account (an account source that ignored
 * `only`): refused before anything is sent, without blaming the account, then handled like an
 * unavailable account (fallback, or 409 when strict).
 */
export class ContinuationAccountMismatch extends CallError {
  constructor() {
    super(409, 'a continued conversation may only run on the account it lives on', { code: 'conversation_unavailable' });
  }
}

/**
 * What a continued turn sends: the server has the history, so one new user message goes as its
 * bare text (as the web app sends what the user typed); several (tool results, ...) are flattened.
 */
function continuedPrompt(messages: ChatTurnRequest['messages']): string {
  const only = messages.length === 1 ? messages[0] : undefined;
  return only?.role === 'user' ? only.text.trim() : messagesToMgwPrompt(messages);
}

/** The mgw ids of a finished turn, on the account it ran on. */
function conversationOf(upstream: UpstreamChat, accountId: string): ConversationRef | undefined {
  const end = upstream.endEvent;
  if (!end?.conversationId || !end.responseId) return undefined;
  return { accountId, conversationId: end.conversationId, upstreamResponseId: end.responseId };
}

function unavailable(c: ContinueFrom, why: string): CallError {
  return new CallError(409, `The earlier conversation cannot be continued: ${why}`, {
    code: 'conversation_unavailable',
    param: c.param ?? null,
  });
}

/** The mgw `model`: one of fast/auto/expert/heavy (other registry modes map to the nearest one). */
export function mgwMode(mode: string | undefined): string {
  if (mode === 'fast' || mode === 'auto' || mode === 'expert' || mode === 'heavy') return mode;
  if (mode === 'grok-420-computer-use-sa') return 'expert';
  return 'auto';
}

/** ChatTurnInput with every key present (optional ones may be undefined): a key left out is a compile error. */
type TurnKey = keyof ChatTurnInput;
type EveryTurnField = { [K in TurnKey]: ChatTurnInput[K] };

/**
 * `base` on one account: every field spelled out (`satisfies` catches a field added to
 * ChatTurnInput and not copied), so every turn object has one shape and no spread runs per attempt.
 */
function onAccount(base: ChatTurnInput, userId: string | undefined, fileIds: string[]): ChatTurnInput {
  return {
    transport: base.transport,
    prompt: base.prompt,
    mode: base.mode,
    fileIds,
    temporary: base.temporary,
    disableMemory: base.disableMemory,
    customPersonality: base.customPersonality,
    imageGenerationCount: base.imageGenerationCount,
    continuation: base.continuation,
    userId,
  } satisfies EveryTurnField;
}

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** The neutral turn; each transport flattens the conversation its own way. */
  private turnInput(messages: ChatTurnRequest['messages'], spec: ModelSpec, s: ChatSettings): ChatTurnInput {
    const mgw = s.transport === 'mgw';
    return {
      transport: s.transport,
      prompt: mgw ? messagesToMgwPrompt(messages) : messagesToGrokPrompt(messages),
      mode: mgw ? mgwMode(spec.mode) : (spec.mode ?? 'auto'),
      fileIds: [],
      temporary: s.temporary,
      disableMemory: s.disableMemory,
      customPersonality: s.customPersonality,
      imageGenerationCount: undefined,
      continuation: undefined,
      userId: undefined,
    } satisfies EveryTurnField;
  }

  /**
   * The turn with this account's uploads and user id (an upload belongs to one account). A plain
   * function unless there is something to upload: every attempt of every call runs it.
   */
  private forAccount(base: ChatTurnInput, files: PreparedFile[] | undefined, accountId: string, token: string, signal: AbortLike, route: GrokRoute | undefined, pinned: string | undefined): ChatTurnInput | Promise<ChatTurnInput> {
    // A conversation lives on one account: continuing it anywhere else is refused here, locally.
    if (base.continuation && pinned !== accountId) throw new ContinuationAccountMismatch();
    const userId = base.transport === 'mgw' ? this.deps.userIds?.userIdOf(accountId) : undefined;
    const attachments = this.deps.attachments;
    if (!files || !attachments) return userId === undefined ? base : onAccount(base, userId, base.fileIds);
    // Through the attempt's egress: a retry that avoided a failed proxy uploads around it too.
    return attachments.upload(token, files, signal, route).then((fileIds) => onAccount(base, userId, fileIds));
  }

  /**
   * One retried upstream chat: the body and attachments are prepared once, then every attempt
   * gets a different account, its egress route, a fresh UpstreamChat already opened, and `run`
   * decides what a successful attempt returns.
   *
   * With `continueFrom` on mgw, one attempt first runs on the conversation's own account (no
   * failover: no other account has the conversation), sending only the new messages. If that
   * account cannot be leased or the attempt fails before the answer, the turn falls back to a
   * fresh conversation with the whole history on any account (or fails with 409 when strict).
   * REST cannot continue: always the fallback (or 409 when strict).
   */
  private async withAttempts<T>(
    turn: ChatTurnRequest,
    spec: ModelSpec,
    signal: AbortLike,
    opts: ChatTurnOptions,
    run: (upstream: UpstreamChat, s: ChatSettings, lease: AccountLease) => Promise<T>,
  ): Promise<{ value: T; lease: AccountLease; attempts: AttemptRecord[]; proxy: string | undefined; continuation: ContinuationOutcome; upstream: UpstreamChat }> {
    const s = this.deps.settings();
    const c = opts.continueFrom;
    const earlier: AttemptRecord[] = [];
    if (c) {
      if (s.transport !== 'mgw') {
        if (c.strict) throw unavailable(c, 'grok.chat_transport = "rest" cannot continue a conversation');
      } else {
        try {
          const r = await this.attempts(turn, spec, signal, s, c.newMessages, c.from, opts.avoidAccounts, run);
          return { value: r.value, lease: r.lease, attempts: r.attempts, proxy: r.proxy, continuation: 'continued', upstream: r.upstream };
        } catch (err) {
          // Only "this account could not do it" falls back; a bad request or a client gone does not.
          if (!(err instanceof RetriesExhaustedError) && !(err instanceof ContinuationAccountMismatch)) throw err;
          if (c.strict) throw unavailable(c, err.message);
          if (err instanceof RetriesExhaustedError) earlier.push(...err.attempts);
        }
      }
    }
    try {
      const r = await this.attempts(turn, spec, signal, s, turn.messages, undefined, opts.avoidAccounts, run);
      // Fixed object shape on the per-call path (no spreads): see README "Benchmarks".
      const attempts = earlier.length > 0 ? earlier.concat(r.attempts) : r.attempts;
      return { value: r.value, lease: r.lease, attempts, proxy: r.proxy, continuation: c ? 'fallback' : 'none', upstream: r.upstream };
    } catch (err) {
      if (err instanceof RetriesExhaustedError && earlier.length > 0) err.attempts = [...earlier, ...err.attempts];
      throw err;
    }
  }

  /** The retried attempts of one turn: on any account, or (`from`) pinned to one, once. */
  private async attempts<T>(
    turn: ChatTurnRequest,
    spec: ModelSpec,
    signal: AbortLike,
    s: ChatSettings,
    messages: ChatTurnRequest['messages'],
    from: ConversationRef | undefined,
    avoid: readonly string[] | undefined,
    run: (upstream: UpstreamChat, s: ChatSettings, lease: AccountLease) => Promise<T>,
  ): Promise<{ value: T; lease: AccountLease; attempts: AttemptRecord[]; proxy: string | undefined; upstream: UpstreamChat }> {
    const base = this.turnInput(messages, spec, s);
    const input: ChatTurnInput = from ? { ...base, prompt: continuedPrompt(messages), continuation: { conversationId: from.conversationId, parentResponseId: from.upstreamResponseId } } : base;
    const files = await this.deps.attachments?.prepare(messages, signal);
    const egress = new RouteAttempts(this.deps.egress, signal);
    const pinned = from?.accountId;
    const accounts = pinned === undefined && (avoid?.length ?? 0) === 0
      ? this.deps.accounts
      : {
          lease: (req: Parameters<AccountSource['lease']>[0]) => this.deps.accounts.lease({
            ...req,
            ...(pinned === undefined ? {} : { only: pinned }),
            ...(avoid && avoid.length > 0 ? { exclude: new Set([...req.exclude, ...avoid]) } : {}),
          }),
          summary: () => this.deps.accounts.summary(),
        };
    let opened: UpstreamChat | undefined;
    const result = await withRouteLabels(egress, () => runWithAccountRetries({
      accounts,
      tier: spec.tier as AccountTier,
      bucket: spec.bucket,
      policy: pinned === undefined ? s.retry : { ...s.retry, maxAttempts: 1 },
      signal,
      onRetry: (r) => this.deps.onRetry?.({ requestId: turn.requestId, attempt: r.attempt, account: r.account, kind: r.error.kind, delayMs: r.delayMs }),
      attempt: (lease) => egress.run(lease.accountId, async (route) => {
        const upstream = new UpstreamChat({ idleTimeoutMs: s.idleTimeoutMs, requestTimeoutMs: s.requestTimeoutMs }, signal);
        try {
          const ids = this.deps.userIds;
          await upstream.openTurn(this.deps.client, lease.token, await this.forAccount(input, files, lease.accountId, lease.token, signal, route, pinned), {
            route,
            onUserId: ids ? (uid) => ids.setUserId(lease.accountId, uid) : undefined,
          });
          const value = await run(upstream, s, lease);
          opened = upstream;
          return value;
        } catch (err) {
          upstream.abort();
          throw err;
        }
      }),
    }));
    return { value: result.value, lease: result.lease, attempts: result.attempts, proxy: egress.last, upstream: opened as UpstreamChat };
  }

  /**
   * Ends an answer whose events were all pushed: the images Grok drew are linked (fetched into the
   * media cache with this account's cookie, per media.format) and end the answer as Markdown
   * images. An image that cannot be fetched is left out (and logged by the linker); when that
   * leaves the answer with nothing at all, the fetch failure is the turn's error.
   */
  private async finishAnswer(assembler: AnswerAssembler, turn: ChatTurnRequest, token: string, signal: AbortLike): Promise<AnswerDelta | undefined> {
    const images = assembler.generatedImages();
    const linker = this.deps.images;
    if (images.length === 0 || !linker) return assembler.finish();
    const linked = await linker.link(images, { token, requestBaseUrl: turn.mediaBaseUrl, signal });
    const tail = assembler.finish(linked.urls);
    if (!assembler.hasContent && linked.failure !== undefined) throw linked.failure;
    return tail;
  }

  async openStream(turn: ChatTurnRequest, spec: ModelSpec, signal: AbortLike, opts: ChatTurnOptions = {}): Promise<OpenedChatStream> {
    // Pre-read the first events: an in-band rate limit or an early cut is still retryable here.
    const r = await this.withAttempts(turn, spec, signal, opts, async (upstream) => {
      const first = await upstream.nextBatch();
      // Ended before any event: nothing reached the client yet, so another account may answer.
      if (first === undefined) throw emptyAnswerError('the stream ended without any event');
      return { upstream, first };
    });
    const { upstream } = r.value;
    const lease = r.lease;
    return {
      first: r.value.first, upstream, lease, attempts: r.attempts, proxy: r.proxy,
      continuation: r.continuation,
      conversation: () => conversationOf(upstream, lease.accountId),
      finishAnswer: (assembler) => this.finishAnswer(assembler, turn, lease.token, signal),
    };
  }

  /**
   * A streamed turn as a ChatCall: opened (first events read, retried until then), its answer
   * still to read. `showSearchSources`: the settings' "## Sources" block ends the answer.
   */
  async openCall(turn: ChatTurnRequest, spec: ModelSpec, signal: AbortLike, opts: ChatTurnOptions & { showSearchSources: boolean }): Promise<ChatCall> {
    const opened = await this.openStream(turn, spec, signal, opts);
    return new ChatCall(opened, new AnswerAssembler({ reasoning: turn.reasoning, showSearchSources: opts.showSearchSources }), signal);
  }

  async collect(turn: ChatTurnRequest, spec: ModelSpec, signal: AbortLike, opts: ChatTurnOptions = {}): Promise<CollectedChat> {
    const r = await this.withAttempts(turn, spec, signal, opts, async (upstream, s, lease) => {
      const assembler = new AnswerAssembler({ reasoning: turn.reasoning, showSearchSources: s.showSearchSources });
      try {
        for (let batch = await upstream.nextBatch(); batch; batch = await upstream.nextBatch()) {
          for (const ev of batch) assembler.push(ev);
        }
        await this.finishAnswer(assembler, turn, lease.token, signal);
        const modelError = assembler.modelError;
        if (modelError && !assembler.hasContent) throw classifyInBandError(undefined, modelError);
        if (!assembler.hasContent && assembler.generatedImages().length === 0) throw emptyAnswerError();
        return assembler;
      } finally {
        upstream.close();
      }
    });
    r.lease.release({ ok: true });
    return {
      answer: r.value, account: r.lease.masked, attempts: r.attempts, proxy: r.proxy,
      continuation: r.continuation,
      conversation: conversationOf(r.upstream, r.lease.accountId),
    };
  }
}
