// Shared helpers for the src/grok tests: fixture loading, deterministic chunking, event collection.
import { readFileSync, readdirSync } from 'node:fs';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import type { GrokEvent } from '../../src/grok/events.js';
import { parseChatStream, type ChatStreamStats } from '../../src/grok/parse-chat-stream.js';

const FIXTURE_DIR = new URL('../fixtures/ndjson/', import.meta.url);

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.ndjson'))
    .sort();
}

export function loadFixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(name, FIXTURE_DIR)));
}

/** mulberry32: a tiny seeded PRNG so "random" chunkings are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Chunking = { kind: 'whole' } | { kind: 'bytes' } | { kind: 'random'; seed: number; max: number };

export function split(buf: Uint8Array, chunking: Chunking): Uint8Array[] {
  if (chunking.kind === 'whole') return [buf];
  const out: Uint8Array[] = [];
  if (chunking.kind === 'bytes') {
    for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
    return out;
  }
  const rnd = prng(chunking.seed);
  let i = 0;
  while (i < buf.length) {
    const n = 1 + Math.floor(rnd() * chunking.max);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

/** An async iterable over chunks that records whether it was read to the end or returned early. */
export class ChunkSource implements AsyncIterable<Uint8Array> {
  consumed = 0;
  returned = false;
  exhausted = false;
  constructor(private readonly chunks: Uint8Array[]) {}
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    let i = 0;
    return {
      next: async () => {
        await Promise.resolve();
        const chunk = this.chunks[i++];
        if (chunk === undefined) {
          this.exhausted = true;
          return { done: true, value: undefined };
        }
        this.consumed++;
        return { done: false, value: chunk };
      },
      return: async () => {
        this.returned = true;
        return { done: true, value: undefined };
      },
    };
  }
}

export interface ParseOutcome {
  events: GrokEvent[];
  error: { kind: string; status: number; message: string } | undefined;
  stats: ChatStreamStats;
}

export async function parseChunks(chunks: Uint8Array[] | AsyncIterable<Uint8Array>): Promise<ParseOutcome> {
  const stats: ChatStreamStats = { lines: 0, malformedLines: 0 };
  const events: GrokEvent[] = [];
  const source = Array.isArray(chunks) ? new ChunkSource(chunks) : chunks;
  try {
    for await (const ev of parseChatStream(source, stats)) events.push(ev);
  } catch (err) {
    if (!(err instanceof GrokUpstreamError)) throw err;
    return { events, error: { kind: err.kind, status: err.status, message: err.message }, stats };
  }
  return { events, error: undefined, stats };
}

export function tokens(events: GrokEvent[], filter: (e: Extract<GrokEvent, { type: 'token' }>) => boolean = () => true): string {
  let s = '';
  for (const e of events) if (e.type === 'token' && filter(e)) s += e.text;
  return s;
}

export function ofType<T extends GrokEvent['type']>(events: GrokEvent[], type: T): Array<Extract<GrokEvent, { type: T }>> {
  return events.filter((e): e is Extract<GrokEvent, { type: T }> => e.type === type);
}
