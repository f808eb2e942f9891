// Writes a Messages stream as Anthropic frames it: `event: <type>` + `data: <json>` (the JSON
// repeats the type), from message_start to message_stop. While nothing else is written (Grok
// thinking, a buffered tool call), a `ping` event goes out every heartbeat interval, as Anthropic
// sends pings, so proxies and idle-timeout clients keep the connection.
import type { ServerResponse } from 'node:http';
import { SseChannel, type SseExtraHeaders } from '../openai/index.js';
import { anthropicErrorBody } from './errors.js';
import type { OpenAIHttpError } from '../openai/index.js';
import type { BlockEvent, Message, StopReason } from './wire.js';

export class AnthropicStreamWriter {
  private readonly sse: SseChannel;
  firstByteAt: number | undefined;

  constructor(res: ServerResponse, heartbeatMs: number) {
    this.sse = new SseChannel(res, heartbeatMs, frame('ping', { type: 'ping' }));
  }

  get bytesWritten(): number {
    return this.sse.bytesWritten;
  }

  /** SSE head, message_start (the message with empty content) and a first ping, as Anthropic does. */
  start(extraHeaders: SseExtraHeaders, message: Message): void {
    this.sse.open(extraHeaders, frame('message_start', { type: 'message_start', message }) + frame('ping', { type: 'ping' }));
  }

  /** Content block events; resolves when the socket can take more (backpressure to upstream). */
  async blocks(events: readonly BlockEvent[]): Promise<void> {
    if (events.length === 0 || this.sse.closed) return;
    this.firstByteAt ??= Date.now();
    let out = '';
    for (const e of events) out += frame(e.type, e);
    if (!this.sse.write(out)) await this.sse.drain();
  }

  /** message_delta (stop reason, final usage) and message_stop. */
  finish(stopReason: StopReason, stopSequence: string | null, usage: { input_tokens: number; output_tokens: number }): void {
    if (this.sse.ended) return;
    const delta = { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: stopSequence }, usage };
    this.sse.end(frame('message_delta', delta) + frame('message_stop', { type: 'message_stop' }));
  }

  /** An `error` event (the Anthropic SDKs raise it as an APIError), then the end of the stream. */
  fail(err: OpenAIHttpError): void {
    if (this.sse.ended) return;
    this.sse.end(frame('error', anthropicErrorBody(err)));
  }

  /** Stops timers without writing (client went away). */
  dispose(): void {
    this.sse.dispose();
  }
}

function frame(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}
