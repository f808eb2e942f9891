// Replays a recorded mgw frame sequence (test/fixtures/mgw/*.jsonl, server frames one per line)
// through the mgw event parser, the way MgwChatClient feeds it, and returns what came out.
import { readFileSync, readdirSync } from 'node:fs';
import { GrokUpstreamError } from '../../src/grok/errors.js';
import type { GrokEvent } from '../../src/grok/events.js';
import { MgwEventParser } from '../../src/grok/mgw/mgw-events.js';

export const MGW_FIXTURE_DIR = new URL('../fixtures/mgw/', import.meta.url);
/** The event_id the fixtures' session.created frames answer. */
export const FIXTURE_INIT_EVENT_ID = 'evt_init_fixture';

export interface MgwReplay {
  events: GrokEvent[];
  error: { kind: string; status: number; message: string } | null;
  /** The session became ready (session.created for our event + conversation.attached). */
  ready: boolean;
  conversationId: string | null;
  responseId: string | null;
}

export function mgwFixtureNames(): string[] {
  return readdirSync(MGW_FIXTURE_DIR).filter((f) => f.endsWith('.jsonl')).sort();
}

export function replayMgw(lines: string[]): MgwReplay {
  const parser = new MgwEventParser(FIXTURE_INIT_EVENT_ID);
  const events: GrokEvent[] = [];
  let error: MgwReplay['error'] = null;
  for (const line of lines) {
    try {
      events.push(...parser.parse(line));
    } catch (err) {
      if (!(err instanceof GrokUpstreamError)) throw err;
      error = { kind: err.kind, status: err.status, message: err.message };
      break;
    }
  }
  return { events, error, ready: parser.ready, conversationId: parser.conversationId ?? null, responseId: parser.responseId ?? null };
}

export function replayMgwFixture(name: string): MgwReplay {
  const text = readFileSync(new URL(name, MGW_FIXTURE_DIR), 'utf8');
  return replayMgw(text.split('\n').filter((l) => l !== ''));
}

export function goldenOf(name: string): MgwReplay {
  return JSON.parse(readFileSync(new URL(name.replace(/\.jsonl$/, '.expected.json'), MGW_FIXTURE_DIR), 'utf8')) as MgwReplay;
}
