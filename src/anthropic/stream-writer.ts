// Writes a Messages stream as Anthropic frames it: `event: <type>` + `data: <json>` (the JSON
// repeats the type), from message_start to message_stop. While nothing else is written (Grok
// thinking, a buffered tool call), a `ping` event goes out every heartbeat interval, as Anthropic
// sends pings, so proxies and idle-timeout clients keep the connection.
import type { ServerResponse } from 'node:http';
import { anthropicErrorBody } from './errors.js';
import type { OpenAIHttpError } from '../openai/index.js';
import type { BlockEvent, Message, StopReason } from './wire.js';

export class AnthropicStreamWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  bytesWritten = 0;
  firstByteAt: number | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {}

  /** SSE head, message_start (the message with empty content) and a first ping, as Anthropic does. */
  start(extraHeaders: Readonly<Record<string, string | number | string[] | undefined>>, message: Message): void {
    for (const [name, value] of Object.entries(extraHeaders)) if (value !== undefined) this.res.setHeader(name, value);
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    this.write(frame('message_start', { type: 'message_start', message }) + frame('ping', { type: 'ping' }));
    if (this.heartbeatMs > 0) this.heartbeat = setTimeout(() => this.beat(), this.heartbeatMs);
  }

  private beat(): void {
    if (this.ended || this.res.destroyed) return;
    this.write(frame('ping', { type: 'ping' }));
    this.heartbeat?.refresh();
  }

  private write(s: string): boolean {
    if (this.ended || this.res.destroyed) return true;
    this.bytesWritten += Buffer.byteLength(s);
    // Pings only fill silence: any write postpones the next one.
    this.heartbeat?.refresh();
    return this.res.write(s);
  }

  /** Content block events; resolves when the socket can take more (backpressure to upstream). */
  async blocks(events: readonly BlockEvent[]): Promise<void> {
    if (events.length === 0 || this.ended || this.res.destroyed) return;
    this.firstByteAt ??= Date.now();
    let out = '';
    for (const e of events) out += frame(e.type, e);
    if (!this.write(out)) await this.drain();
  }

  private drain(): Promise<void> {
    if (this.res.destroyed) return Promise.resolve();
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

  /** message_delta (stop reason, final usage) and message_stop. */
  finish(stopReason: StopReason, stopSequence: string | null, usage: { input_tokens: number; output_tokens: number }): void {
    if (this.ended) return;
    const delta = { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage };
    this.end(frame('message_delta', delta) + frame('message_stop', { type: 'message_stop' }));
  }

  /** An `error` event (the Anthropic SDKs raise it as an APIError), then the end of the stream. */
  fail(err: OpenAIHttpError): void {
    if (this.ended) return;
    this.end(frame('error', anthropicErrorBody(err)));
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

function frame(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
