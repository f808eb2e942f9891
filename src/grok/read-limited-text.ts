// Reads at most `limit` bytes of a (decoded) response body as UTF-8 and always releases the body:
// read to the end when short, destroyed once the limit is reached.
import type { Readable } from 'node:stream';

export async function readLimitedText(stream: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      size += buf.length;
      if (size >= limit) break; // leaving the loop destroys the stream
    }
  } finally {
    if (!stream.destroyed && !stream.readableEnded) stream.destroy();
  }
  const all = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  return new TextDecoder('utf-8').decode(all.length > limit ? all.subarray(0, limit) : all);
}
