// A chat turn whose answer is shaped by the gateway (tools, response_format, stop, max tokens):
// the instruction sections go in front of the conversation, the upstream answer runs through an
// OutputPipeline, and a forced tool call or a JSON answer that came back wrong gets one corrective
// retry. Streaming and non-streaming requests both pump the upstream here (non-streaming just
// collects the outputs), so a stop sequence or the token budget cancels the upstream turn in both.
//
// The corrective retry is a second upstream call with the bad answer and the correction appended
// to the flattened history. Continuing the same Grok conversation instead comes with multi-turn
// support in the chat transport; nothing here depends on which one it is.
import type { ModelSpec } from '../config/index.js';
import type { AbortLike } from '../grok/index.js';
import { GrokUpstreamError, classifyInBandError } from '../grok/errors.js';
import { AnswerAssembler } from './answer-assembler.js';
import type { ChatService, OpenedChatStream } from './chat-service.js';
import { jsonInstructions, type JsonValidator } from './json-output.js';
import { toolsActive, type EmittedToolCall, type FinishReason, type OutputControls } from './output-controls.js';
import { OutputPipeline, type PipelineOut } from './output-pipeline.js';
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

  private constructor(private readonly input: EmulatedTurnInput, turn: ChatTurnRequest, opened: OpenedChatStream, thinkTags: boolean) {
    this.turn = turn;
    this.current = opened;
    this.thinkTags = thinkTags;
    this.attempts = [...opened.attempts];
    this.account = opened.lease.masked;
    this.proxy = opened.proxy;
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
    const opened = await input.chat.openStream(turn, input.spec, input.signal);
    return new EmulatedTurn(input, turn, opened, thinkTags);
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

  /** The last answer's assembler (citations of a plain answer). */
  get lastAssembler(): AnswerAssembler | undefined {
    return this.assembler;
  }

  /** What to send, in order. Throws classified upstream errors and ModelOutputError. */
  async *outputs(): AsyncGenerator<PipelineOut> {
    const { controls, signal } = this.input;
    let retryAllowed = true;
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
          const tail = assembler.finish();
          if (tail) {
            const o = pipeline.push(tail);
            if (!isEmpty(o)) yield o;
          }
          if (assembler.modelError && !assembler.hasContent) throw classifyInBandError(undefined, assembler.modelError);
        }
      } catch (err) {
        if (err instanceof GrokUpstreamError) this.outcomeError = err;
        throw err;
      }
      const { out, verdict } = pipeline.finish();
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
