// `[sim:KEY]` / `[sim:KEY=VALUE]` directives embedded in a prompt let a test script the
// simulator's reply (faults, shapes) without any side channel: the gateway forwards the
// prompt text, so the directive reaches the simulator through the real code path.

/** Matches one directive; KEY is lower-case letters, digits and dashes, VALUE anything but `]`. */
const DIRECTIVE_RE = /\[sim:([a-z0-9-]+)(?:=([^\]\n]*))?\]/g;

export interface SimDirectives {
  /** HTTP status to answer with before streaming, and an optional body variant (`403-html`, `403-blocked`, `403-safety`). */
  status?: { code: number; variant?: 'html' | 'blocked' | 'json' | 'safety' };
  /** In-band error after the first content frame: 'rate' = code 8, 'other' = code 13. */
  inbandError?: 'rate' | 'other';
  /** Pause after the first content frame, ms. */
  stallMs?: number;
  /** Pause after the headers, before the first frame, ms. */
  stallStartMs?: number;
  /** Destroy the socket after the second content frame. */
  cut?: boolean;
  /** Insert a broken JSON line and a `garbage` line. */
  malformed?: boolean;
  /** Write the byte stream in network chunks of this many bytes. */
  chunkBytes?: number;
  /** Answer made of exactly this many tokens `w{i} `. */
  tokens?: number;
  /** Per-frame delay override, ms. */
  delayMs?: number;
  /** Compress the stream with this content-encoding (only if the request's accept-encoding allows it). */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Tool-calling emulation (model-answers.ts): rounds of calls before a text answer. */
  toolSteps?: number;
  /** A malformed first call: unknown | args | text, `-always` to stay malformed after a correction. */
  toolBad?: string;
  /** Block shape: xml | function_call | invoke | json | fence. */
  toolVariant?: string;
  toolProse?: boolean;
  toolParallel?: number;
  /** An invalid first JSON answer (`always`: also after the correction). */
  jsonBad?: string;
  /** The JSON in a code fence with chatter around it. */
  jsonWrap?: boolean;
  citation?: boolean;
  toolcard?: boolean;
  markup?: boolean;
  /** Prefix every line with `data: ` and end with `data: [DONE]`. */
  dataPrefix?: boolean;
  unicode?: boolean;
  noThinking?: boolean;
  heavy?: boolean;
  noFinalFrames?: boolean;
  /** Imagine WS: answer the request with an error frame. */
  wsError?: boolean;
  /** Imagine WS: this many slots complete with moderated:true. Image edit / video: moderated finals. */
  moderated?: number;
  /** Imagine WS: close the socket after the round. */
  wsClose?: boolean;
  /** Imagine WS: delay between frames, ms. */
  slowMs?: number;
  /** Imagine WS: number of image slots in the round (overrides the 4/6 default). */
  slots?: number;
  /** mgw: the status response.done reports (e.g. `failed`); default completed. */
  doneStatus?: string;
  /** mgw protocol drift: an event type today's protocol does not have, sent before the answer. */
  extraEvent?: string;
  /** mgw protocol drift: the answer text chunks carry `content` instead of `text` (the answer is lost). */
  renameField?: boolean;
  /** Directives that were not understood (kept so tests can assert on typos). */
  unknown: string[];
}

export interface ParsedPrompt {
  directives: SimDirectives;
  /** The message with every directive removed. */
  text: string;
}

function intValue(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

function parseStatus(value: string | undefined): SimDirectives['status'] {
  const m = /^(\d{3})(?:-(html|blocked|json|safety))?$/.exec(value ?? '');
  if (!m) return { code: 500 };
  const code = Number(m[1]);
  const variant = m[2] as 'html' | 'blocked' | 'json' | 'safety' | undefined;
  return variant === undefined ? { code } : { code, variant };
}

/** Applies one directive to `d`; returns false when the key is unknown. */
function apply(d: SimDirectives, key: string, value: string | undefined): boolean {
  switch (key) {
    case 'status': d.status = parseStatus(value); return true;
    case 'inband-error': d.inbandError = value === 'other' ? 'other' : 'rate'; return true;
    case 'stall': d.stallMs = intValue(value, 1000); return true;
    case 'stall-start': d.stallStartMs = intValue(value, 1000); return true;
    case 'cut': d.cut = true; return true;
    case 'malformed': d.malformed = true; return true;
    case 'chunk': d.chunkBytes = Math.max(1, intValue(value, 7)); return true;
    case 'tokens': d.tokens = intValue(value, 10); return true;
    case 'delay': d.delayMs = intValue(value, 0); return true;
    case 'encoding': d.encoding = value === 'deflate' || value === 'br' ? value : 'gzip'; return true;
    case 'tool-steps': d.toolSteps = intValue(value, 1); return true;
    case 'tool-bad': d.toolBad = value ?? 'unknown'; return true;
    case 'tool-variant': d.toolVariant = value ?? 'xml'; return true;
    case 'tool-prose': d.toolProse = true; return true;
    case 'tool-parallel': d.toolParallel = Math.max(1, intValue(value, 2)); return true;
    case 'json-bad': d.jsonBad = value ?? 'once'; return true;
    case 'json-wrap': d.jsonWrap = true; return true;
    case 'citation': d.citation = true; return true;
    case 'toolcard': d.toolcard = true; return true;
    case 'markup': d.markup = true; return true;
    case 'data-prefix': d.dataPrefix = true; return true;
    case 'unicode': d.unicode = true; return true;
    case 'no-thinking': d.noThinking = true; return true;
    case 'heavy': d.heavy = true; return true;
    case 'no-final-frames': d.noFinalFrames = true; return true;
    case 'ws-error': d.wsError = true; return true;
    case 'moderated': d.moderated = intValue(value, 1); return true;
    case 'ws-close': d.wsClose = true; return true;
    case 'slow': d.slowMs = intValue(value, 200); return true;
    case 'slots': d.slots = Math.max(1, intValue(value, 4)); return true;
    case 'extra-event': d.extraEvent = value !== undefined && value !== '' ? value : 'response.memory.updated'; return true;
    case 'rename-field': d.renameField = true; return true;
    case 'done-status': d.doneStatus = value !== undefined && value !== '' ? value : 'failed'; return true;
    default: return false;
  }
}

/** Extracts every directive from `message` and returns them with the cleaned text. */
export function parseDirectives(message: string): ParsedPrompt {
  const directives: SimDirectives = { unknown: [] };
  const text = message.replace(DIRECTIVE_RE, (_all, key: string, value: string | undefined) => {
    if (!apply(directives, key, value)) directives.unknown.push(key);
    return '';
  });
  return { directives, text };
}
