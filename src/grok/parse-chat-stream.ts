// Grok's chat NDJSON byte stream → typed events (docs/grok-protocol.md §21.3 framing, §21.4 frames).
// Lines and UTF-8 characters may be split anywhere across network chunks. Each byte is decoded
// once and each line searched once; JSON.parse is the only per-line cost.
import { StringDecoder } from 'node:string_decoder';
import type { GrokEvent } from './events.js';
import { ChatFrameParser } from './parse-chat-frame.js';

/** Counters a caller may pass in to observe a stream (e.g. for logs). */
export interface ChatStreamStats {
  /** Lines that looked like JSON frames (started with `{`, after an optional `data:` prefix). */
  lines: number;
  /** Of those, lines that failed to parse and were skipped. */
  malformedLines: number;
}

const OPEN_BRACE = 0x7b; // {
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Parses the chat response body into events. Stops (returns) right after the first `end` event;
 * the caller then cancels the body. When the body is exhausted without an end signal, emits
 * `end` with reason `eof`. Malformed and unknown lines are skipped; an in-band `{"error":…}` line
 * throws the classified `GrokUpstreamError`.
 */
export async function* parseChatStream(
  body: AsyncIterable<Uint8Array>,
  stats?: ChatStreamStats,
): AsyncGenerator<GrokEvent, void, undefined> {
  for await (const batch of parseChatBatches(body, stats)) yield* batch;
}

/**
 * The same events, in batches: all the events of one network chunk at once (never empty; an `end`
 * event is always the last of its batch, and the last batch).
 */
export async function* parseChatBatches(
  body: AsyncIterable<Uint8Array>,
  stats?: ChatStreamStats,
): AsyncGenerator<GrokEvent[], void, undefined> {
  const parser = new ChatChunkParser(stats);
  for await (const chunk of body) {
    const out: GrokEvent[] = [];
    let ended: boolean;
    try {
      ended = parser.push(chunk, out);
    } catch (err) {
      // An in-band error line: the events before it still go out first, as they arrived.
      if (out.length > 0) yield out;
      throw err;
    }
    if (out.length > 0) yield out;
    if (ended) return;
  }
  const out: GrokEvent[] = [];
  parser.finish(out);
  yield out;
}

/**
 * The parser itself, fed one network chunk at a time, synchronously: GrokClient calls it from the
 * body's 'data' events (no async iterator per chunk), parseChatBatches from a for-await loop.
 */
export class ChatChunkParser {
  // StringDecoder keeps a split UTF-8 character for the next chunk, like TextDecoder({stream}),
  // and costs far less to create (one per response).
  private readonly decoder = new StringDecoder('utf8');
  private readonly frames = new ChatFrameParser();
  private readonly stats: ChatStreamStats;
  private pending = '';
  private ended = false;

  constructor(stats?: ChatStreamStats) {
    this.stats = stats ?? { lines: 0, malformedLines: 0 };
  }

  /**
   * Appends the events of `chunk` to `out`; true once the `end` event was appended (feed no more).
   * Throws the classified GrokUpstreamError of an in-band error line (the events before it are
   * in `out` already).
   */
  push(chunk: Uint8Array, out: GrokEvent[]): boolean {
    if (this.ended) return true;
    const text = this.decoder.write(chunk as Buffer);
    if (text.length === 0) return false;
    let nl = text.indexOf('\n');
    if (nl === -1) {
      this.pending += text;
      return false;
    }
    let line = this.pending.length > 0 ? this.pending + text.slice(0, nl) : text.slice(0, nl);
    let start = nl + 1;
    for (;;) {
      if (handleLine(line, this.frames, out, this.stats)) {
        this.ended = true;
        return true;
      }
      nl = text.indexOf('\n', start);
      if (nl === -1) break;
      line = text.slice(start, nl);
      start = nl + 1;
    }
    this.pending = start < text.length ? text.slice(start) : '';
    return false;
  }

  /** The body is over: the last line without a newline, then `end` (eof) unless one came. */
  finish(out: GrokEvent[]): void {
    if (this.ended) return;
    this.ended = true;
    const tail = this.pending + this.decoder.end();
    if (tail.length > 0 && handleLine(tail, this.frames, out, this.stats)) return;
    out.push({ type: 'end', reason: 'eof' });
  }
}

/** Appends the events of one raw line to `out`; true when the stream is over. */
function handleLine(raw: string, parser: ChatFrameParser, out: GrokEvent[], stats: ChatStreamStats): boolean {
  let line = raw;
  let len = line.length;
  if (len > 0 && line.charCodeAt(len - 1) === CR) {
    line = line.slice(0, len - 1);
    len--;
  }
  if (len === 0) return false;
  let c = line.charCodeAt(0);
  if (c !== OPEN_BRACE) {
    if (c === SPACE || c === TAB) {
      line = line.trimStart();
      if (line.length === 0) return false;
      c = line.charCodeAt(0);
    }
    if (c !== OPEN_BRACE) {
      if (!line.startsWith('data:')) return false; // `event:`, `id:`, `: comment`, stray text
      line = line.slice(5).trim();
      if (line === '[DONE]') {
        out.push({ type: 'end', reason: 'done' });
        return true;
      }
      if (line.charCodeAt(0) !== OPEN_BRACE) return false;
    }
  }
  stats.lines++;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    stats.malformedLines++;
    return false;
  }
  return parser.frame(value, out);
}
