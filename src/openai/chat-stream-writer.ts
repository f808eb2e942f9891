// Writes a chat completion as OpenAI frames it over SSE: `data: {chunk}\n\n`, the role in the
// first delta, `finish_reason` on the last chunk, an optional usage chunk, then `data: [DONE]`.
// Chunks are built from a precomputed prefix: this runs once per token on every stream.
import type { ServerResponse } from 'node:http';
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
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  bytesWritten = 0;
  /** Time the first content/reasoning byte went out (for time-to-first-byte). */
  firstByteAt: number | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly meta: ChunkMeta,
    private readonly heartbeatMs: number,
  ) {
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

  /** Sends the SSE headers and the role chunk; starts the keep-alive timer. */
  start(extraHeaders: Readonly<Record<string, string | number | string[] | undefined>>): void {
    for (const [name, value] of Object.entries(extraHeaders)) if (value !== undefined) this.res.setHeader(name, value);
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // No explicit "connection: keep-alive": Node sets it when the client wants it, and forcing it
      // would keep the socket of a client that sent "Connection: close" open after the stream.
      'x-accel-buffering': 'no',
    });
    this.writeRaw(`${this.prefix}{"role":"assistant","content":""}${this.suffix}`);
    if (this.heartbeatMs > 0) {
      this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs);
    }
  }

  private beat(): void {
    if (this.ended || this.res.destroyed) return;
    // An SSE comment: ignored by parsers, keeps proxies and idle-timeout clients from cutting us.
    this.writeRaw(': keep-alive\n\n');
    this.heartbeat?.refresh();
  }

  private writeRaw(s: string): boolean {
    this.bytesWritten += Buffer.byteLength(s);
    // Heartbeats only fill silence: any write postpones the next one.
    this.heartbeat?.refresh();
    return this.res.write(s);
  }

  /** Writes one delta; resolves when the socket can take more (backpressure to upstream). */
  async delta(content: string | undefined, reasoning: string | undefined): Promise<void> {
    if (this.ended || this.res.destroyed) return;
    let body: string;
    if (content && reasoning) body = `{"reasoning_content":${JSON.stringify(reasoning)},"content":${JSON.stringify(content)}}`;
    else if (content) body = `{"content":${JSON.stringify(content)}}`;
    else if (reasoning) body = `{"reasoning_content":${JSON.stringify(reasoning)}}`;
    else return;
    this.firstByteAt ??= Date.now();
    if (!this.writeRaw(`${this.prefix}${body}${this.suffix}`)) await this.drain();
  }

  /**
   * One chunk per tool call, complete (index, id, type, name and the whole arguments): the call is
   * only known once its block is parsed, and every SDK accumulates by index either way.
   */
  async toolCalls(calls: ReadonlyArray<{ id: string; name: string; arguments: string }>, firstIndex: number): Promise<void> {
    if (this.ended || this.res.destroyed || calls.length === 0) return;
    this.firstByteAt ??= Date.now();
    let out = '';
    for (const [k, c] of calls.entries()) {
      const delta = { tool_calls: [{ index: firstIndex + k, id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }] };
      out += `${this.prefix}${JSON.stringify(delta)}${this.suffix}`;
    }
    if (!this.writeRaw(out)) await this.drain();
  }

  private drain(): Promise<void> {
    if (this.res.destroyed) return Promise.resolve();
    // Both listeners go once either fires: a long stream to a slow reader waits for 'drain' many
    // times, and a leftover 'close' listener per wait would pile up for the stream's lifetime.
    return new Promise((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** The last chunk (finish_reason), the optional usage chunk, and [DONE]. */
  finish(finishReason: 'stop' | 'length' | 'tool_calls', usage: UsageBlock | undefined, extra?: Record<string, unknown>): void {
    if (this.ended) return;
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
    this.end(out);
  }

  /** Ends the stream with an OpenAI error event (the SDKs raise it as an APIError), then [DONE]. */
  fail(err: OpenAIHttpError): void {
    if (this.ended) return;
    this.end(`data: ${JSON.stringify(err.toBody())}\n\ndata: [DONE]\n\n`);
  }

  private end(s: string): void {
    this.ended = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
    if (this.res.destroyed) return;
    this.bytesWritten += Buffer.byteLength(s);
    this.res.end(s);
  }

  /** Stops timers without writing (client went away). */
  dispose(): void {
    this.ended = true;
    if (this.heartbeat) clearTimeout(this.heartbeat);
  }
}
