// Replay mode: a token whose behaviour names a recorded fixture file answers with that file instead
// of a scripted answer, over the real wire. The bytes go out as recorded (malformed lines, SSE
// framing and all), so golden tests see exactly what grok.com once sent:
//   - REST chat (*.ndjson): every line of the file is one line of the 200 stream body;
//   - mgw chat (*.jsonl): one server frame per line; the frames up to conversation.attached answer
//     session.create, the rest answer response.create;
//   - imagine WebSocket (*.jsonl): one server frame per line, answering the round's request.
// The only rewrite: a recorded mgw session.created answers the fixture's client event id
// (FIXTURE_INIT_EVENT_ID); it is replaced with the event id the client really sent.
// A recording has no image bytes: every generated image path a chat fixture names
// (`users/<id>/generated/<uuid>/image.jpg`) is served by the assets origin as a placeholder JPEG
// while it replays, so a client can fetch what Grok drew (serveReplayImages).
import { readFileSync } from 'node:fs';
import type { AssetStore } from './asset-store.js';
import type { Step } from './frames.js';
import { makeJpeg } from './media-bytes.js';

/** The client event id recorded mgw fixtures answer (test/grok/mgw-replay.ts uses the same). */
export const FIXTURE_INIT_EVENT_ID = 'evt_init_fixture';

/** The non-empty lines of a fixture file, verbatim (a trailing newline does not make a line). */
export function fixtureLines(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const GENERATED_IMAGE_PATH = /users\/[A-Za-z0-9_-]+\/generated\/[A-Za-z0-9_.-]+\/image\.(?:jpg|jpeg|png|webp)/g;

/** The generated image paths a fixture names, each once, in order. */
export function replayImagePaths(file: string): string[] {
  return [...new Set(readFileSync(file, 'utf8').match(GENERATED_IMAGE_PATH) ?? [])];
}

/** Puts a placeholder JPEG at every generated image path of a replayed chat fixture. */
export function serveReplayImages(file: string, assets: AssetStore): void {
  for (const path of replayImagePaths(file)) assets.put(path, makeJpeg(), 'image/jpeg');
}

/** A REST NDJSON fixture as the stream steps that write it back line by line. */
export function restReplaySteps(file: string): Step[] {
  return fixtureLines(file).map((text) => ({ kind: 'raw', text }));
}

export interface MgwReplay {
  /** The session id the recorded frames carry (the client must echo it). */
  sessionId: string;
  /** Frames answering session.create: everything up to the first conversation.attached. */
  handshake: string[];
  /** Frames answering response.create: the rest. */
  answer: Step[];
}

function eventTypeOf(line: string): string | undefined {
  try {
    const v = JSON.parse(line) as { event?: { type?: unknown } } | null;
    return typeof v?.event?.type === 'string' ? v.event.type : undefined;
  } catch {
    return undefined;
  }
}

function sessionIdOf(lines: string[]): string {
  for (const line of lines) {
    try {
      const v = JSON.parse(line) as { session_id?: unknown } | null;
      if (typeof v?.session_id === 'string') return v.session_id;
    } catch {
      // not a frame: keep looking
    }
  }
  return '';
}

/** Splits an mgw fixture into the handshake and the answer, answering `clientEventId`. */
export function mgwReplay(file: string, clientEventId: string | undefined): MgwReplay {
  const lines = fixtureLines(file);
  const attached = lines.findIndex((l) => eventTypeOf(l) === 'conversation.attached');
  const cut = attached === -1 ? 0 : attached + 1;
  const rewrite = (l: string): string => (clientEventId === undefined ? l : l.split(`"client_event_id":"${FIXTURE_INIT_EVENT_ID}"`).join(`"client_event_id":${JSON.stringify(clientEventId)}`));
  return {
    sessionId: sessionIdOf(lines),
    handshake: lines.slice(0, cut).map(rewrite),
    answer: lines.slice(cut).map((text) => ({ kind: 'raw', text })),
  };
}

/** The request id recorded imagine fixtures answer; replaced with the one the client sent. */
export const IMAGINE_FIXTURE_REQUEST_ID = 'img_fixture_request';

/** An imagine fixture's frames, answering the request `requestId` (other rounds' ids are kept). */
export function imagineReplay(file: string, requestId: string): string[] {
  const recorded = `"request_id":"${IMAGINE_FIXTURE_REQUEST_ID}"`;
  return fixtureLines(file).map((l) => l.split(recorded).join(`"request_id":${JSON.stringify(requestId)}`));
}
