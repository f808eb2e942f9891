// One attempt's answer, shaped by what the client asked for (output-controls.ts). Assembler deltas
// go in; out come content, reasoning and tool calls for the client, and at the end a verdict:
// done (with a finish reason), retry with a correction, or fail (JSON still invalid).
//
// Order: the limiter (stop / max tokens) sees the raw answer first, as a model's own stop would;
// then the answer goes one of three ways:
// - plain: straight out;
// - tools with choice auto: through the streaming sieve (text streams, calls leave as calls);
// - buffered (response_format, or a forced tool call): held until the end, because only the whole
//   answer can be validated and a retry must be possible before anything was shown. Reasoning still
//   streams live, and heartbeats keep the client's connection open meanwhile.
// In think_tags mode the assembler runs in reasoning_content mode and reasoning is wrapped into
// <think> here, so the sieve and the JSON check only ever see the answer. With response_format the
// think block is left out: the content must be the JSON alone.
import type { AnswerDelta } from './answer-assembler.js';
import { checkJsonAnswer, jsonCorrection, type JsonValidator } from './json-output.js';
import { OutputLimiter } from './output-limiter.js';
import { toolCallForced, toolsActive, type EmittedToolCall, type FinishReason, type OutputControls } from './output-controls.js';
import { ToolCallSieve, parseToolAnswer } from './tool-call-sieve.js';
import { toolCorrection } from './tool-prompt.js';

export interface PipelineOut {
  content: string;
  reasoning: string;
  calls: EmittedToolCall[];
}

export type PipelineVerdict =
  | { kind: 'done'; finishReason: FinishReason }
  | { kind: 'retry'; answer: string; correction: string }
  | { kind: 'invalid'; message: string };

export interface PipelineOptions {
  controls: OutputControls;
  /** Compiled response_format check (present when controls.json is). */
  validator?: JsonValidator | undefined;
  /** Reasoning goes into content as a <think> block (the client's think_tags mode). */
  thinkTags: boolean;
  /** A corrective retry may still be asked for (first attempt). */
  retryAllowed: boolean;
}

const THINK_OPEN = '<think>\n';
const THINK_CLOSE = '</think>\n\n';

export class OutputPipeline {
  private readonly limiter: OutputLimiter;
  private readonly sieve: ToolCallSieve | undefined;
  private readonly buffered: boolean;
  private readonly declared: ReadonlySet<string>;
  private answer = '';
  private thinkOpen = false;
  /** The final content, as sent (for usage and the non-streaming message). */
  private sentContent = '';
  private readonly sentCalls: EmittedToolCall[] = [];

  constructor(private readonly opts: PipelineOptions) {
    const c = opts.controls;
    this.limiter = new OutputLimiter(c.stop ?? [], c.maxTokens);
    this.declared = new Set((c.tools?.tools ?? []).map((t) => t.name));
    this.buffered = c.json !== undefined || toolCallForced(c.tools);
    this.sieve = !this.buffered && toolsActive(c.tools) ? new ToolCallSieve(this.declared) : undefined;
  }

  /** A stop sequence or the token budget was reached: the caller cancels the upstream turn. */
  get limitReached(): boolean {
    return this.limiter.reached !== undefined;
  }

  /** The stop sequence that ended the answer, when one did. */
  get stopSequence(): string | undefined {
    return this.limiter.stopSequence;
  }

  /** Everything sent as content (including a <think> block in think_tags mode). */
  get content(): string {
    return this.sentContent;
  }

  get calls(): readonly EmittedToolCall[] {
    return this.sentCalls;
  }

  push(d: AnswerDelta): PipelineOut {
    const out: PipelineOut = { content: '', reasoning: '', calls: [] };
    if (d.reasoning) this.reasoningIn(d.reasoning, out);
    if (d.content) this.answerIn(this.limiter.push(d.content), out);
    return this.sent(out);
  }

  finish(): { out: PipelineOut; verdict: PipelineVerdict } {
    const out: PipelineOut = { content: '', reasoning: '', calls: [] };
    this.answerIn(this.limiter.finish(), out);
    this.closeThink(out);
    let verdict: PipelineVerdict;
    if (this.sieve) {
      const s = this.sieve.finish(this.limiter.reached !== undefined);
      out.content += s.text;
      out.calls.push(...s.calls);
      verdict = { kind: 'done', finishReason: this.sieve.calls.length > 0 ? 'tool_calls' : (this.limiter.reached ?? 'stop') };
    } else if (this.buffered) {
      verdict = this.judge(out);
    } else {
      verdict = { kind: 'done', finishReason: this.limiter.reached ?? 'stop' };
    }
    return { out: this.sent(out), verdict };
  }

  private reasoningIn(text: string, out: PipelineOut): void {
    if (!this.opts.thinkTags) {
      out.reasoning += text;
      return;
    }
    // JSON answers carry no think block: the content must parse as JSON.
    if (this.opts.controls.json !== undefined) return;
    out.content += this.thinkOpen ? text : THINK_OPEN + text;
    this.thinkOpen = true;
  }

  private closeThink(out: PipelineOut): void {
    if (!this.thinkOpen) return;
    this.thinkOpen = false;
    const pending = this.sentContent + out.content;
    out.content += pending.endsWith('\n') ? THINK_CLOSE : `\n${THINK_CLOSE}`;
  }

  private answerIn(text: string, out: PipelineOut): void {
    if (text === '') return;
    this.closeThink(out);
    this.answer += text;
    if (this.buffered) return;
    if (this.sieve) {
      const s = this.sieve.push(text);
      out.content += s.text;
      out.calls.push(...s.calls);
    } else {
      out.content += text;
    }
  }

  /** The buffered answer's verdict: calls, JSON, a retry, or (JSON after the retry) invalid. */
  private judge(out: PipelineOut): PipelineVerdict {
    const c = this.opts.controls;
    const cut = this.limiter.reached === 'length';
    if (toolsActive(c.tools)) {
      const parsed = parseToolAnswer(this.answer, this.declared);
      const choice = c.tools.choice;
      const wrongName = choice.mode === 'named' ? parsed.calls.find((k) => k.name !== choice.name) : undefined;
      if (parsed.calls.length > 0 && !wrongName) {
        out.content += parsed.text.trimEnd();
        out.calls.push(...parsed.calls);
        return { kind: 'done', finishReason: 'tool_calls' };
      }
      if (toolCallForced(c.tools) && !cut) {
        const problem = wrongName
          ? `it called "${wrongName.name}" instead of "${choice.mode === 'named' ? choice.name : ''}"`
          : (parsed.problems[0] ?? 'there was no <tool_calls> block');
        if (this.opts.retryAllowed) return { kind: 'retry', answer: this.answer, correction: toolCorrection(c.tools, problem) };
        // No valid call after the retry: the answer is given as text, never a half call.
        if (c.json === undefined) {
          out.content += this.answer;
          return { kind: 'done', finishReason: this.limiter.reached ?? 'stop' };
        }
      }
    }
    if (c.json !== undefined && this.opts.validator && !cut) {
      const verdict = checkJsonAnswer(this.answer, this.opts.validator);
      if (verdict.ok) {
        out.content += verdict.json;
        return { kind: 'done', finishReason: this.limiter.reached ?? 'stop' };
      }
      if (this.opts.retryAllowed) return { kind: 'retry', answer: this.answer, correction: jsonCorrection(c.json, verdict.error) };
      return { kind: 'invalid', message: `The model's answer did not match response_format after a corrective retry: ${verdict.error}` };
    }
    // Cut by max_tokens (like OpenAI: the truncated text, finish_reason "length"), or tools auto + no JSON asked.
    out.content += this.answer;
    return { kind: 'done', finishReason: this.limiter.reached ?? 'stop' };
  }

  private sent(out: PipelineOut): PipelineOut {
    // parallel_tool_calls: false keeps the first call only.
    if (out.calls.length > 0 && this.opts.controls.tools?.parallel === false) {
      out.calls = this.sentCalls.length > 0 ? [] : out.calls.slice(0, 1);
    }
    this.sentContent += out.content;
    this.sentCalls.push(...out.calls);
    return out;
  }
}
