// Where an emulated tool-call block (docs/grok-protocol.md §13) starts and ends in the answer text,
// shared by the streaming sieve and the whole-answer parse so both agree exactly:
// - blockStartAt / findBlockStart / holdIndex: where a call block starts, or could still start
//   (the sieve holds back only that much);
// - BlockEndScanner: where the block that starts at an opener ends (or that it has not yet).
// The openers accepted are listed in tool-call-parser.ts, which reads the calls of a complete block.

type Kind = 'tool_calls' | 'function_calls' | 'tool_call' | 'function_call' | 'invoke' | 'json';

/** Tag openers, longest first where one is a prefix of another. */
const TAGS: ReadonlyArray<{ open: string; kind: Kind }> = [
  { open: '<tool_calls', kind: 'tool_calls' },
  { open: '<tool_call', kind: 'tool_call' },
  { open: '<function_calls', kind: 'function_calls' },
  { open: '<function_call', kind: 'function_call' },
  { open: '<invoke', kind: 'invoke' },
];
const JSON_KEY = '"tool_calls"';
const FENCE = '```';
/** Bounds on what may sit between parts of an opener (keeps the held-back text small). */
const MAX_GAP = 24;
const FENCE_LANG_RE = /^[A-Za-z0-9_+-]{0,20}/;

function isWs(c: string | undefined): boolean {
  return c === ' ' || c === '\n' || c === '\t' || c === '\r';
}

function skipWs(s: string, i: number, max = MAX_GAP): number {
  let k = i;
  while (k < s.length && k - i < max && isWs(s[k])) k++;
  return k;
}

interface Opener {
  kind: Kind;
  /** Index after the opener's recognisable part (the inner block starts at `inner`). */
  inner: number;
  fenced: boolean;
}

type Probe = Opener | 'prefix' | 'no';

/** What starts at `i` (without a fence): a complete opener, a prefix of one, or nothing. */
function unfencedAt(s: string, i: number): Probe {
  const c = s[i];
  if (c === '<') {
    for (const t of TAGS) {
      const avail = s.length - i;
      if (avail <= t.open.length) {
        if (t.open.startsWith(s.slice(i))) return 'prefix';
        continue;
      }
      if (!s.startsWith(t.open, i)) continue;
      const next = s[i + t.open.length];
      // `<tool_call` followed by `s` is the `<tool_calls` opener, tried first.
      if (next === '>' || isWs(next) || (t.kind !== 'tool_call' && t.kind !== 'function_call' && next === '/')) {
        return { kind: t.kind, inner: i, fenced: false };
      }
    }
    return 'no';
  }
  if (c === '{') {
    const k = skipWs(s, i + 1);
    if (k === s.length) return k - (i + 1) < MAX_GAP ? 'prefix' : 'no';
    const rest = s.slice(k, k + JSON_KEY.length);
    if (rest.length < JSON_KEY.length) return JSON_KEY.startsWith(rest) ? 'prefix' : 'no';
    return rest === JSON_KEY ? { kind: 'json', inner: i, fenced: false } : 'no';
  }
  return 'no';
}

/** What starts at `i`, a code fence around a block included. */
export function blockStartAt(s: string, i: number): Probe {
  if (s[i] !== '`') return unfencedAt(s, i);
  const avail = s.slice(i, i + FENCE.length);
  if (avail.length < FENCE.length) return FENCE.startsWith(avail) ? 'prefix' : 'no';
  if (avail !== FENCE) return 'no';
  const lang = FENCE_LANG_RE.exec(s.slice(i + 3))?.[0] ?? '';
  let k = i + 3 + lang.length;
  if (k === s.length) return 'prefix';
  k = skipWs(s, k);
  if (k === s.length) return k - (i + 3 + lang.length) < MAX_GAP ? 'prefix' : 'no';
  const inner = unfencedAt(s, k);
  if (inner === 'prefix' || inner === 'no') return inner;
  return { kind: inner.kind, inner: k, fenced: true };
}

/** Index of the first complete opener at or after `from`, with its probe; undefined when none. */
export function findBlockStart(s: string, from = 0): { at: number; opener: Opener } | undefined {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c !== '<' && c !== '{' && c !== '`') continue;
    const p = blockStartAt(s, i);
    if (p !== 'prefix' && p !== 'no') return { at: i, opener: p };
  }
  return undefined;
}

/** The smallest index from which the text could still become a block opener (s.length: none). */
export function holdIndex(s: string): number {
  // Openers are short: only the tail can be an unfinished one.
  const start = Math.max(0, s.length - (MAX_GAP * 2 + 40));
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (c !== '<' && c !== '{' && c !== '`') continue;
    if (blockStartAt(s, i) === 'prefix') return i;
  }
  return s.length;
}

const CLOSERS: Record<Exclude<Kind, 'json'>, RegExp> = {
  tool_calls: /<\/tool_calls\s*>/g,
  tool_call: /<\/tool_call\s*>/g,
  function_calls: /<\/function_calls\s*>/g,
  function_call: /<\/function_call\s*>/g,
  invoke: /<\/invoke\s*>/g,
};

/**
 * Finds where a block ends while its text arrives in pieces, looking at each piece once (plus a
 * few characters of overlap for a closing tag split across pieces): a long call block streamed
 * in small chunks costs linear time. Positions are relative to the block's opener.
 */
export class BlockEndScanner {
  private readonly parts: string[] = [];
  private len = 0;
  private tail = '';
  private innerEnd = -1;
  private depth = 0;
  private inStr = false;
  private esc = false;

  constructor(private readonly opener: Opener) {}

  get length(): number {
    return this.len;
  }

  /** Everything fed so far. */
  text(): string {
    if (this.parts.length > 1) this.parts.splice(0, this.parts.length, this.parts.join(''));
    return this.parts[0] ?? '';
  }

  /** Adds text; returns the block's end (relative), or -1 while it is unfinished. */
  feed(chunk: string, final: boolean): number {
    const base = this.len;
    if (chunk !== '') {
      this.parts.push(chunk);
      this.len += chunk.length;
    }
    if (this.innerEnd === -1) {
      if (this.opener.kind === 'json') this.scanJson(chunk, base);
      else this.scanCloser(chunk, base);
    }
    if (this.innerEnd === -1 || !this.opener.fenced) return this.innerEnd;
    // Fenced: the closing fence after the inner block (only blank space may come between).
    const rest = this.text().slice(this.innerEnd);
    const k = skipWs(rest, 0, Infinity);
    if (rest.startsWith(FENCE, k)) return this.innerEnd + k + FENCE.length;
    if (final) return this.innerEnd; // no closing fence came: the block is what it is
    if (k === rest.length || FENCE.startsWith(rest.slice(k, k + FENCE.length))) return -1;
    return this.innerEnd;
  }

  private scanJson(chunk: string, base: number): void {
    const from = Math.max(0, this.opener.inner - base);
    for (let k = from; k < chunk.length; k++) {
      const c = chunk.charCodeAt(k);
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === 92) this.esc = true;
        else if (c === 34) this.inStr = false;
        continue;
      }
      if (c === 34) this.inStr = true;
      else if (c === 123 || c === 91) this.depth++;
      else if ((c === 125 || c === 93) && --this.depth === 0) {
        this.innerEnd = base + k + 1;
        return;
      }
    }
  }

  private scanCloser(chunk: string, base: number): void {
    const window = this.tail + chunk;
    const re = CLOSERS[this.opener.kind as Exclude<Kind, 'json'>];
    re.lastIndex = 0;
    const m = re.exec(window);
    if (m) this.innerEnd = base - this.tail.length + m.index + m[0].length;
    else this.tail = window.slice(-24);
  }
}

export type { Kind as ToolBlockKind, Opener as ToolBlockOpener };
