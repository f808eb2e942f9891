// One streamed chat call as the edges see it: the gateway has already leased an account, opened
// the upstream turn and read its first events (ChatService.openCall); the edge asks for the
// answer's pieces (content and reasoning deltas) and gets the finished answer (citations,
// generated images, model hash, token counts) at the end. The call owns the upstream turn and
// the account lease and releases both itself when the answer ends, fails or the caller leaves,
// so no edge touches Grok events, the upstream or the lease.
//
// Failures reach the edge as CallErrors: an upstream failure after the turn opened as its kind's
// client error, and a turn that ended with nothing in it as `empty-answer` (too late for another
// account: the stream is open, and the client is told rather than left with "").
import { callErrorForKind, CallError } from '../failures/index.js';
import { GrokUpstreamError, emptyAnswerError, type AbortLike } from '../grok/index.js';
import type { AnswerAssembler, AnswerDelta } from './answer-assembler.js';
import type { OpenedChatStream } from './chat-service.js';
import type { ContinuationOutcome, ConversationRef } from './conversation-ref.js';
import type { AttemptRecord } from './retry.js';
import { estimateTokens } from './usage.js';

export type { AnswerDelta } from './answer-assembler.js';

/** What the edges read of a finished answer (the assembler's read side: nothing that feeds it). */
export type FinishedAnswer = Pick<
  AnswerAssembler,
  'modelHash' | 'contentText' | 'reasoningText' | 'rawReasoningText' | 'annotations' | 'searchSources' | 'generatedImages'
>;

/** Completion tokens of an answer: the text sent and all reasoning Grok produced (billed even when hidden). */
export function answerTokens(a: FinishedAnswer): { content: number; reasoning: number } {
  return { content: estimateTokens(a.contentText()), reasoning: estimateTokens(a.rawReasoningText()) };
}

/** The upstream failure as the client must hear it (the failure table's row for its kind). */
export function upstreamCallError(err: GrokUpstreamError): CallError {
  return callErrorForKind(err.kind, err.message, err.retryAfterSeconds);
}

/** The model hash in the first events (system_fingerprint), if Grok already sent it. */
function firstModelHash(opened: OpenedChatStream): string | undefined {
  for (const ev of opened.first ?? []) if (ev.type === 'meta' && ev.modelHash) return ev.modelHash;
  return undefined;
}

export class ChatCall {
  /** Masked account and egress of the attempt that answered. */
  readonly account: string;
  readonly proxy: string | undefined;
  readonly attempts: AttemptRecord[];
  /** Whether the turn continued an earlier conversation, fell back from one, or neither. */
  readonly continuation: ContinuationOutcome;
  private readonly firstHash: string | undefined;
  private outcome: GrokUpstreamError | undefined;
  private closed = false;

  constructor(
    private readonly opened: OpenedChatStream,
    private readonly assembler: AnswerAssembler,
    /** The caller's cancellation (the client's socket): checked after every upstream event. */
    private readonly signal: AbortLike,
  ) {
    this.account = opened.lease.masked;
    this.proxy = opened.proxy;
    this.attempts = opened.attempts;
    this.continuation = opened.continuation;
    this.firstHash = firstModelHash(opened);
  }

  /**
   * Grok's model hash once known (the first events usually carry it, so even the first chunk a
   * client gets can name it): the value to show as system_fingerprint at this point of the answer.
   */
  get modelHash(): string | undefined {
    return this.assembler.modelHash ?? this.firstHash;
  }

  /**
   * Hands every piece of the answer to `onDelta` in order (awaited: the client's backpressure
   * reaches the upstream), then returns the finished answer; undefined when the caller left
   * (the signal aborted) before the end. Throws CallError for a failure the client must be told
   * about, the abort reason when the caller left mid-read. Releases the call either way.
   */
  async stream(onDelta: (d: AnswerDelta) => Promise<void> | void): Promise<FinishedAnswer | undefined> {
    const { assembler, signal } = this;
    const upstream = this.opened.upstream;
    try {
      for (let batch = this.opened.first; batch; batch = await upstream.nextBatch()) {
        for (const ev of batch) {
          const d = assembler.push(ev);
          if (d) {
            const p = onDelta(d);
            if (p) await p;
          }
          if (signal.aborted) return undefined;
        }
      }
      if (signal.aborted) return undefined;
      // Through the service: drawn images are linked (cached with the account) before release.
      const tail = await this.opened.finishAnswer(assembler);
      if (tail) {
        const p = onDelta(tail);
        if (p) await p;
      }
      if (!assembler.hasContent && assembler.generatedImages().length === 0) {
        this.outcome = emptyAnswerError();
        throw upstreamCallError(this.outcome);
      }
      return assembler;
    } catch (err) {
      // A client that left is not the upstream's failure (nor the account's).
      if (signal.aborted || !(err instanceof GrokUpstreamError)) throw err;
      this.outcome = err;
      throw upstreamCallError(err);
    } finally {
      this.close();
    }
  }

  /**
   * Once the answer ended: where the turn lives upstream (mgw only), for a later continuation.
   */
  conversation(): ConversationRef | undefined {
    return this.opened.conversation();
  }

  /** Ends the upstream turn and releases the account (its fate: the failure seen, if any). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.opened.upstream.close();
    this.opened.lease.release(this.outcome ? { ok: false, error: this.outcome } : { ok: true });
  }
}
