// Named server-sent events (`event: <type>` + `data: <json>`), as OpenAI streams images
// (image_generation.partial_image / .completed). Keep-alive comments fill long silences.
import type { ServerResponse } from 'node:http';
import { SseChannel, type SseExtraHeaders } from './sse-channel.js';
import type { OpenAIHttpError } from './errors.js';

export class EventStreamWriter {
  private readonly sse: SseChannel;
  firstByteAt: number | undefined;

  constructor(res: ServerResponse, heartbeatMs: number) {
    this.sse = new SseChannel(res, heartbeatMs, ': keep-alive\n\n');
  }

  /** The head has been sent: later failures can only be error events. */
  get started(): boolean {
    return this.sse.isOpen;
  }

  get bytesWritten(): number {
    return this.sse.bytesWritten;
  }

  /** Sends the head (once) and starts the keep-alive. */
  start(headers: SseExtraHeaders): void {
    if (this.sse.isOpen) return;
    this.sse.open(headers);
    this.firstByteAt = Date.now();
  }

  async event(type: string, data: Record<string, unknown>): Promise<void> {
    if (!this.sse.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)) await this.sse.drain();
  }

  /** An error event (the OpenAI SDKs raise it as an APIError) and the end of the stream. */
  fail(err: OpenAIHttpError): void {
    this.sse.end(`event: error\ndata: ${JSON.stringify(err.toBody())}\n\n`);
  }

  end(): void {
    this.sse.end();
  }

  dispose(): void {
    this.sse.dispose();
  }
}
