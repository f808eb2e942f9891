// A chat turn whose answer is shaped by the gateway (tools, response_format, stop, max tokens):
// the instruction sections go in front of the conversation, the upstream answer runs through an
// OutputPipeline, and a forced tool call or a JSON answer that came back wrong gets one corrective
// retry. Streaming and non-streaming requests both pump the upstream here (non-streaming just
// collects the outputs), so a stop sequence or the token budget cancels the upstream turn in both.
//
// The corrective retry is a second upstream call with the bad answer and the correction appended
// to the flattened history, as a fresh conversation on any account.
//
// A turn may continue an earlier Grok conversation (`options.continueFrom`, Responses
// previous_response_id): only the new messages go upstream, with the tool/JSON instruction
// sections in front again (tools and formats are per request, and the model needs them on every
// turn). The conversation the answer ended in is reported (`conversation()`) for the next turn.
//
// An answer that ends with nothing in it (no text, no call, no image) is the failure kind
// `empty-answer`, as on the plain path: tried once more on another account with the whole
// history, then thrown (502 `empty_answer`). Upstream failures reach the edge as CallErrors (the
// failure table's client row for their kind); the turn releases its upstream and account itself. No answer text reached the client by then (there was
// none); reasoning a stream already sent stays, and the retry's follows it.
import type { ModelSpec } from '../config/index.js';
import { type AbortLike, GrokUpstreamError, classifyInBandError, emptyAnswerError } from '../grok/index.js';
import { AnswerAssembler } from './answer-assembler.js';
import { upstreamCallError } from './chat-call.js';
import type { UrlCitation } from './markup-filter.js';
import type { ChatService, ChatTurnOptions, OpenedChatStream } from './chat-service.js';
import type { ContinuationOutcome, ConversationRef } from './conversation-ref.js';
import { jsonInstructions, type JsonValidator } from './json-output.js';
import { toolsActive, type EmittedToolCall, type FinishReason, type OutputControls } from './output-controls.js';
import { OutputPipeline, type PipelineOut } from './output-pipeline.js';
import { CallError } from '../failures/index.js';
import type { AttemptRecord } from './retry.js';
import { toolInstructions } from './tool-prompt.js';
import type { ChatTurnRequest, ConversationMessage } from './types.js';

/** The model's answer still did not match response_format after the corrective retry. */
export class ModelOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelOutputError';
  }
}

/** True when the controls need the emulation path at all. */
export function needsEmulation(c: OutputControls): boolean {
  return toolsActive(c.tools) || c.json !== undefined || (c.stop?.length ?? 0) > 0 || c.maxTokens !== undefined;
}

/** The conversation with the tool and JSON instruction sections in front, as one [system] turn. */
export function withInstructions(messages: ConversationMessage[], c: OutputControls): ConversationMessage[] {
  const sections: string[] = [];
  if (toolsActive(c.tools)) sections.push(toolInstructions(c.tools));
  if (c.json) sections.push(jsonInstructions(c.json));
  if (sections.length === 0) return messages;
  return [{ role: 'system', text: sections.join('\n\n'), attachments: [] }, ...messages];
}

export interface EmulatedTurnInput {
  chat: ChatService;
  turn: ChatTurnRequest;
  spec: ModelSpec;
  signal: AbortLike;
  controls: OutputControls;
  validator?: JsonValidator | undefined;
  /** The settings' "## Sources" block (only for plain answers: it would break JSON and calls). */
  showSearchSources: boolean;
  /** Continue an earlier Grok conversation (its `newMessages` get the instruction sections too). */
  options?: ChatTurnOptions | undefined;
}

function isEmpty(o: PipelineOut): boolean {
  return o.content === '' && o.reasoning === '' && o.calls.length === 0;
}


export class EmulatedTurn {
  private current: OpenedChatStream | undefined;
  private released = false;
  private outcomeError: GrokUpstreamError | undefined;
  private pipeline: OutputPipeline | undefined;
  private assembler: AnswerAssembler | undefined;
  private readonly thinkTags: boolean;
  private turn: ChatTurnRequest;
  private rawReasoning = '';
  readonly attempts: AttemptRecord[];
  /** Masked account and egress of the latest upstream call. */
  account: string;
  proxy: string | undefined;
  finishReason: FinishReason = 'stop';
  /** How many upstream calls the answer took (2 after a corrective retry). */
  upstreamCalls = 1;
  /** Whether the first upstream call continued an earlier conversation, fell back, or neither. */
  continuation: ContinuationOutcome;
  private ended = false;

  private constructor(private readonly input: EmulatedTurnInput, turn: ChatTurnRequest, opened: OpenedChatStream, thinkTags: boolean) {
    this.turn = turn;
    this.current = opened;
    this.thinkTags = thinkTags;
    this.attempts = [...opened.attempts];
    this.account = opened.lease.masked;
    this.proxy = opened.proxy;
    this.continuation = opened.continuation;
  }

  /** Opens the first upstream call; a failure here happens before anything reached the client. */
  static async open(input: EmulatedTurnInput): Promise<EmulatedTurn> {
    const thinkTags = input.turn.reasoning === 'think_tags';
    const turn: ChatTurnRequest = {
      ...input.turn,
      messages: withInstructions(input.turn.messages, input.controls),
      // The pipeline wraps reasoning into <think> itself, so limits and parsers see only the answer.
      reasoning: thinkTags ? 'reasoning_content' : input.turn.reasoning,
    };
    const c = input.options?.continueFrom;
    const options: ChatTurnOptions = c ? { ...input.options, continueFrom: { ...c, newMessages: withInstructions(c.newMessages, input.controls) } } : (input.options ?? {});
    const opened = await input.chat.openStream(turn, input.spec, input.signal, options);
    return new EmulatedTurn(input, turn, opened, thinkTags);
  }

  /**
   * Where the answered turn lives upstream, for a later continuation: only once the answer ended
   * on its own (a stop sequence or the token budget cut it, so Grok holds more than the client
   * saw) and the transport reported both ids.
   */
  conversation(): ConversationRef | undefined {
    if (!this.ended || this.pipeline?.limitReached) return undefined;
    return this.current?.conversation();
  }

  /** Content sent so far (the final message's content once outputs() is done). */
  get content(): string {
    return this.pipeline?.content ?? '';
  }

  /** The stop sequence that ended the last answer, when one did (finishReason is then 'stop'). */
  get stopSequence(): string | undefined {
    return this.pipeline?.stopSequence;
  }

  get calls(): readonly EmittedToolCall[] {
    return this.pipeline?.calls ?? [];
  }

  /** All reasoning Grok produced over every upstream call (for usage). */
  get reasoningForUsage(): string {
    return this.rawReasoning + (this.assembler?.rawReasoningText() ?? '');
  }

  get modelHash(): string | undefined {
    return this.assembler?.modelHash;
  }

  /**
   * url_citation annotations of the answer: only when the content is the assembler's own answer
   * (no calls), cut at most, so the offsets stay true.
   */
  annotations(): UrlCitation[] {
    const a = this.assembler;
    if (!a || this.calls.length > 0 || !a.contentText().startsWith(this.content)) return [];
    return a.annotations().filter((x) => x.url_citation.end_index <= this.content.length);
  }

  /** What to send, in order. Throws CallError (upstream failures by kind) and ModelOutputError. */
  async *outputs(): AsyncGenerator<PipelineOut> {
    const { controls, signal } = this.input;
    let retryAllowed = true;
    let emptyRetried = false;
    for (;;) {
      const opened = this.current;
      if (!opened) return;
      if (this.assembler) this.rawReasoning += this.assembler.rawReasoningText();
      const plain = !toolsActive(controls.tools) && controls.json === undefined;
      const assembler = new AnswerAssembler({ reasoning: this.turn.reasoning, showSearchSources: plain && this.input.showSearchSources });
      const pipeline = new OutputPipeline({ controls, validator: this.input.validator, thinkTags: this.thinkTags, retryAllowed });
      this.assembler = assembler;
      this.pipeline = pipeline;
      try {
        pump: for (let batch = opened.first; batch; batch = await opened.upstream.nextBatch()) {
          for (const ev of batch) {
            const d = assembler.push(ev);
            if (d) {
              const o = pipeline.push(d);
              if (!isEmpty(o)) yield o;
            }
            // A stop sequence or the token budget: the upstream turn is cancelled right here.
            if (pipeline.limitReached) break pump;
            if (signal.aborted) return;
          }
        }
        if (!pipeline.limitReached) {
          // A JSON answer must be the JSON alone: images Grok drew are not appended to it.
          const tail = controls.json === undefined ? await opened.finishAnswer(assembler) : assembler.finish();
          if (tail) {
            const o = pipeline.push(tail);
            if (!isEmpty(o)) yield o;
          }
          if (assembler.modelError && !assembler.hasContent) throw classifyInBandError(undefined, assembler.modelError);
          if (!assembler.hasContent && assembler.generatedImages().length === 0) {
            const empty = emptyAnswerError();
            if (emptyRetried) throw empty;
            emptyRetried = true;
            await this.retryElsewhere(opened, empty);
            continue;
          }
        }
      } catch (err) {
        if (!(err instanceof GrokUpstreamError)) throw err;
        this.outcomeError = err;
        throw upstreamCallError(err);
      }
      const { out, verdict } = pipeline.finish();
      this.ended = verdict.kind !== 'retry';
      this.releaseCurrent();
      if (verdict.kind === 'retry') {
        if (!isEmpty(out)) yield out;
        this.turn = {
          ...this.turn,
          messages: [
            ...this.turn.messages,
            { role: 'assistant', text: verdict.answer, attachments: [] },
            { role: 'system', text: verdict.correction, attachments: [] },
          ],
        };
        const next = await this.input.chat.openStream(this.turn, this.input.spec, signal);
        this.current = next;
        this.released = false;
        this.attempts.push(...next.attempts);
        this.account = next.lease.masked;
        this.proxy = next.proxy;
        this.upstreamCalls++;
        retryAllowed = false;
        continue;
      }
      if (verdict.kind === 'invalid') throw new ModelOutputError(verdict.message);
      this.finishReason = verdict.finishReason;
      if (!isEmpty(out)) yield out;
      return;
    }
  }

  /**
   * The empty answer's account is blamed (as runWithAccountRetries does on the plain path) and the
   * whole history goes to another account as a fresh conversation.
   */
  private async retryElsewhere(opened: OpenedChatStream, empty: GrokUpstreamError): Promise<void> {
    this.outcomeError = empty;
    this.releaseCurrent();
    this.outcomeError = undefined;
    const last = this.attempts[this.attempts.length - 1];
    if (last) this.attempts[this.attempts.length - 1] = { ...last, kind: empty.kind, status: empty.status };
    const next = await this.input.chat.openStream(this.turn, this.input.spec, this.input.signal, { avoidAccounts: [opened.lease.accountId] }).catch((err: unknown) => {
      // No other account to ask: the client hears about the empty answer, not about the pool.
      throw err instanceof CallError && err.code === 'no_available_account' ? empty : err;
    });
    this.current = next;
    this.released = false;
    this.attempts.push(...next.attempts);
    this.account = next.lease.masked;
    this.proxy = next.proxy;
    this.upstreamCalls++;
    if (this.continuation === 'continued') this.continuation = 'fallback';
  }

  private releaseCurrent(): void {
    const c = this.current;
    if (!c || this.released) return;
    this.released = true;
    c.upstream.close();
    c.lease.release(this.outcomeError ? { ok: false, error: this.outcomeError } : { ok: true });
  }

  /** Ends the upstream call still open (client gone, error) and releases its account. Idempotent. */
  close(): void {
    this.releaseCurrent();
  }
}
