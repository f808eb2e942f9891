// Named server-sent events (`event: <type>` + `data: <json>`), as OpenAI streams images
// (image_generation.partial_image / .completed). Keep-alive comments fill long silences.
import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import type { OpenAIHttpError } from './errors.js';

export class EventStreamWriter {
  private heartbeat: NodeJS.Timeout | undefined;
  private ended = false;
  started = false;
  bytesWritten = 0;
  firstByteAt: number | undefined;

  constructor(
    private readonly res: ServerResponse,
    private readonly heartbeatMs: number,
  ) {}

  start(headers: Record<string, string | string[] | number | undefined>): void {
    if (this.started) return;
    this.started = true;
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = typeof v === 'number' ? String(v) : v;
    this.res.writeHead(200, {
      ...out,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.firstByteAt = Date.now();
    if (this.heartbeatMs > 0) this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), this.heartbeatMs);
  }

  private write(s: string): boolean {
    if (this.ended || this.res.destroyed) return true;
    this.bytesWritten += Buffer.byteLength(s);
    return this.res.write(s);
  }

  async event(type: string, data: Record<string, unknown>): Promise<void> {
    if (!this.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`)) {
      await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
    }
  }

  /** An error event (the OpenAI SDKs raise it as an APIError) and the end of the stream. */
  fail(err: OpenAIHttpError): void {
    this.write(`event: error\ndata: ${JSON.stringify(err.toBody())}\n\n`);
    this.end();
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (!this.res.destroyed) this.res.end();
  }

  dispose(): void {
    this.ended = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
  }
}
