// Writes a chat completion as OpenAI frames it over SSE: `data: {chunk}\n\n`, the role in the
// first delta, `finish_reason` on the last chunk, an optional usage chunk, then `data: [DONE]`.
// Chunks are built from a precomputed prefix: this runs once per token on every stream.
import type { ServerResponse } from 'node:http';
import { SseChannel, type SseExtraHeaders } from './sse-channel.js';
import type { OpenAIHttpError } from './errors.js';

export interface ChunkMeta {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  systemFingerprint?: string | undefined;
}

export interface UsageBlock {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens: number };
}

export class ChatStreamWriter {
  private prefix: string;
  private readonly suffix: string;
  /** An SSE comment as the keep-alive: ignored by parsers, keeps proxies and idle-timeout clients from cutting us. */
  private readonly sse: SseChannel;
  /** Time the first content/reasoning byte went out (for time-to-first-byte). */
  firstByteAt: number | undefined;

  constructor(
    res: ServerResponse,
    private readonly meta: ChunkMeta,
    heartbeatMs: number,
  ) {
    this.sse = new SseChannel(res, heartbeatMs, ': keep-alive\n\n');
    this.prefix = this.chunkPrefix();
    this.suffix = meta.includeUsage ? ',"logprobs":null,"finish_reason":null}],"usage":null}\n\n' : ',"logprobs":null,"finish_reason":null}]}\n\n';
  }

  private chunkPrefix(): string {
    const head: Record<string, unknown> = {
      id: this.meta.id,
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: this.meta.systemFingerprint ?? null,
    };
    return `data: ${JSON.stringify(head).slice(0, -1)},"choices":[{"index":0,"delta":`;
  }

  /**
   * The model hash Grok sent, once known: every later chunk carries it, as the JSON answer does.
   * (Grok sends it before the answer text, so in practice every chunk after the role chunk has it.)
   */
  systemFingerprint(fingerprint: string | undefined): void {
    if (fingerprint === undefined || this.meta.systemFingerprint !== undefined) return;
    this.meta.systemFingerprint = fingerprint;
    this.prefix = this.chunkPrefix();
  }

  get bytesWritten(): number {
    return this.sse.bytesWritten;
  }

  /** Sends the SSE headers and the role chunk; starts the keep-alive timer. */
  start(extraHeaders: SseExtraHeaders): void {
    this.sse.open(extraHeaders, `${this.prefix}{"role":"assistant","content":""}${this.suffix}`);
  }

  /** Writes one delta; resolves when the socket can take more (backpressure to upstream). */
  async delta(content: string | undefined, reasoning: string | undefined): Promise<void> {
    if (this.sse.closed) return;
    let body: string;
    if (content && reasoning) body = `{"reasoning_content":${JSON.stringify(reasoning)},"content":${JSON.stringify(content)}}`;
    else if (content) body = `{"content":${JSON.stringify(content)}}`;
    else if (reasoning) body = `{"reasoning_content":${JSON.stringify(reasoning)}}`;
    else return;
    this.firstByteAt ??= Date.now();
    if (!this.sse.write(`${this.prefix}${body}${this.suffix}`)) await this.sse.drain();
  }

  /**
   * One chunk per tool call, complete (index, id, type, name and the whole arguments): the call is
   * only known once its block is parsed, and every SDK accumulates by index either way.
   */
  async toolCalls(calls: ReadonlyArray<{ id: string; name: string; arguments: string }>, firstIndex: number): Promise<void> {
    if (this.sse.closed || calls.length === 0) return;
    this.firstByteAt ??= Date.now();
    let out = '';
    for (const [k, c] of calls.entries()) {
      const delta = { tool_calls: [{ index: firstIndex + k, id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }] };
      out += `${this.prefix}${JSON.stringify(delta)}${this.suffix}`;
    }
    if (!this.sse.write(out)) await this.sse.drain();
  }

  /** The last chunk (finish_reason), the optional usage chunk, and [DONE]. */
  finish(finishReason: 'stop' | 'length' | 'tool_calls', usage: UsageBlock | undefined, extra?: Record<string, unknown>): void {
    if (this.sse.ended) return;
    const fin: Record<string, unknown> = {
      id: this.meta.id,
      object: 'chat.completion.chunk',
      created: this.meta.created,
      model: this.meta.model,
      system_fingerprint: this.meta.systemFingerprint ?? null,
      choices: [{ index: 0, delta: extra ?? {}, logprobs: null, finish_reason: finishReason }],
    };
    if (this.meta.includeUsage) fin.usage = null;
    let out = `data: ${JSON.stringify(fin)}\n\n`;
    if (this.meta.includeUsage && usage) {
      out += `data: ${JSON.stringify({
        id: this.meta.id,
        object: 'chat.completion.chunk',
        created: this.meta.created,
        model: this.meta.model,
        system_fingerprint: this.meta.systemFingerprint ?? null,
        choices: [],
        usage,
      })}\n\n`;
    }
    out += 'data: [DONE]\n\n';
    this.sse.end(out);
  }

  /** Ends the stream with an OpenAI error event (the SDKs raise it as an APIError), then [DONE]. */
  fail(err: OpenAIHttpError): void {
    if (this.sse.ended) return;
    this.sse.end(`data: ${JSON.stringify(err.toBody())}\n\ndata: [DONE]\n\n`);
  }

  /** Stops timers without writing (client went away). */
  dispose(): void {
    this.sse.dispose();
  }
}
