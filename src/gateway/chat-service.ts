// The chat use case: model spec + conversation → an upstream Grok stream on a leased account,
// retried on other accounts until the first event arrives (streaming) or the whole answer is in
// (non-streaming, where nothing has reached the client yet).
import type { AccountLease, AccountSource, AccountTier } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import type { EgressSelector } from '../egress/index.js';
import type { AbortLike, ChatTransport, ChatTurnInput, ChatTurnOpener, GrokRoute } from '../grok/index.js';
import { classifyInBandError } from '../grok/errors.js';
import type { GrokEvent } from '../grok/events.js';
import { AnswerAssembler } from './answer-assembler.js';
import type { AttachmentUploader, PreparedFile } from './attachments.js';
import { EgressAttempts } from './egress-attempts.js';
import { messagesToGrokPrompt } from './messages-to-grok-prompt.js';
import { messagesToMgwPrompt } from './messages-to-mgw-prompt.js';
import { RetriesExhaustedError, runWithAccountRetries, type AttemptRecord, type RetryPolicy } from './retry.js';
import type { ChatTurnRequest } from './types.js';
import { UpstreamChat } from './upstream-chat.js';

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
}

/** A stream that produced its first events; the caller pumps the rest and must call finish(). */
export interface OpenedChatStream {
  /** The first batch of events (undefined when the upstream ended without any). */
  first: GrokEvent[] | undefined;
  upstream: UpstreamChat;
  lease: AccountLease;
  attempts: AttemptRecord[];
  /** Egress of the successful attempt (`direct` or the masked proxy URL). */
  proxy?: string | undefined;
}

export interface CollectedChat {
  assembler: AnswerAssembler;
  account: string;
  attempts: AttemptRecord[];
  proxy?: string | undefined;
}

/** Runs the retries and puts each attempt's egress on its record (also on the error's records). */
async function withEgress<T extends { attempts: AttemptRecord[] }>(egress: EgressAttempts, run: () => Promise<T>): Promise<T> {
  try {
    const result = await run();
    egress.annotate(result.attempts);
    return result;
  } catch (err) {
    if (err instanceof RetriesExhaustedError) egress.annotate(err.attempts);
    throw err;
  }
}

/** The mgw `model`: one of fast/auto/expert/heavy (other registry modes map to the nearest one). */
export function mgwMode(mode: string | undefined): string {
  if (mode === 'fast' || mode === 'auto' || mode === 'expert' || mode === 'heavy') return mode;
  if (mode === 'grok-420-computer-use-sa') return 'expert';
  return 'auto';
}

export class ChatService {
  constructor(private readonly deps: ChatServiceDeps) {}

  /** The neutral turn; each transport flattens the conversation its own way. */
  private turnInput(turn: ChatTurnRequest, spec: ModelSpec, s: ChatSettings): ChatTurnInput {
    const mgw = s.transport === 'mgw';
    return {
      transport: s.transport,
      prompt: mgw ? messagesToMgwPrompt(turn.messages) : messagesToGrokPrompt(turn.messages),
      mode: mgw ? mgwMode(spec.mode) : (spec.mode ?? 'auto'),
      fileIds: [],
      temporary: s.temporary,
      disableMemory: s.disableMemory,
      customPersonality: s.customPersonality,
    };
  }

  /** The turn with this account's uploads and user id (an upload belongs to one account). */
  private async forAccount(base: ChatTurnInput, files: PreparedFile[] | undefined, accountId: string, token: string, signal: AbortLike, route: GrokRoute | undefined): Promise<ChatTurnInput> {
    const userId = base.transport === 'mgw' ? this.deps.userIds?.userIdOf(accountId) : undefined;
    if (!files || !this.deps.attachments) return userId === undefined ? base : { ...base, userId };
    // Through the attempt's egress: a retry that avoided a failed proxy uploads around it too.
    return { ...base, userId, fileIds: await this.deps.attachments.upload(token, files, signal, route) };
  }

  /**
   * One retried upstream chat: the body and attachments are prepared once, then every attempt
   * gets a different account, its egress route, a fresh UpstreamChat already opened, and `run`
   * decides what a successful attempt returns.
   */
  private async withAttempts<T>(
    turn: ChatTurnRequest,
    spec: ModelSpec,
    signal: AbortLike,
    run: (upstream: UpstreamChat, s: ChatSettings) => Promise<T>,
  ): Promise<{ value: T; lease: AccountLease; attempts: AttemptRecord[]; proxy: string | undefined }> {
    const s = this.deps.settings();
    const input = this.turnInput(turn, spec, s);
    const files = await this.deps.attachments?.prepare(turn.messages, signal);
    const egress = new EgressAttempts(this.deps.egress);
    const result = await withEgress(egress, () => runWithAccountRetries({
      accounts: this.deps.accounts,
      tier: spec.tier as AccountTier,
      bucket: spec.bucket,
      policy: s.retry,
      signal,
      onRetry: (r) => this.deps.onRetry?.({ requestId: turn.requestId, attempt: r.attempt, account: r.account, kind: r.error.kind, delayMs: r.delayMs }),
      attempt: async (lease) => {
        const route = egress.route(lease.accountId);
        const upstream = new UpstreamChat({ idleTimeoutMs: s.idleTimeoutMs, requestTimeoutMs: s.requestTimeoutMs }, signal);
        try {
          const ids = this.deps.userIds;
          await upstream.openTurn(this.deps.client, lease.token, await this.forAccount(input, files, lease.accountId, lease.token, signal, route), {
            route,
            onUserId: ids ? (uid) => ids.setUserId(lease.accountId, uid) : undefined,
          });
          const value = await run(upstream, s);
          egress.succeeded(route);
          return value;
        } catch (err) {
          upstream.abort();
          egress.failed(route, err, signal);
          throw err;
        }
      },
    }));
    return { value: result.value, lease: result.lease, attempts: result.attempts, proxy: egress.last };
  }

  async openStream(turn: ChatTurnRequest, spec: ModelSpec, signal: AbortLike): Promise<OpenedChatStream> {
    // Pre-read the first events: an in-band rate limit or an early cut is still retryable here.
    const r = await this.withAttempts(turn, spec, signal, async (upstream) => ({ upstream, first: await upstream.nextBatch() }));
    return { first: r.value.first, upstream: r.value.upstream, lease: r.lease, attempts: r.attempts, proxy: r.proxy };
  }

  async collect(turn: ChatTurnRequest, spec: ModelSpec, signal: AbortLike): Promise<CollectedChat> {
    const r = await this.withAttempts(turn, spec, signal, async (upstream, s) => {
      const assembler = new AnswerAssembler({ reasoning: turn.reasoning, showSearchSources: s.showSearchSources });
      try {
        for (let batch = await upstream.nextBatch(); batch; batch = await upstream.nextBatch()) {
          for (const ev of batch) assembler.push(ev);
        }
        assembler.finish();
        const modelError = assembler.modelError;
        if (modelError && !assembler.hasContent) throw classifyInBandError(undefined, modelError);
        return assembler;
      } finally {
        upstream.close();
      }
    });
    r.lease.release({ ok: true });
    return { assembler: r.value, account: r.lease.masked, attempts: r.attempts, proxy: r.proxy };
  }
}
