// Finds emulated tool calls in the model's answer text (docs/grok-protocol.md, "Tool-call
// emulation"). The prompt asks for <tool_calls><tool_call><tool_name>…</tool_name><parameters>{…}
// </parameters></tool_call></tool_calls>; models drift, so these are accepted too:
//   <tool_call>…</tool_call> without the root, <function_call><name>…</name><arguments>…</arguments>
//   </function_call> (optionally inside <function_calls>), <invoke name="…">{…} or <parameter …>
//   elements</invoke>, a JSON object with a "tool_calls" array, and a code fence around any of them.
//
// Two levels, shared by the streaming sieve and the whole-answer parse so both agree exactly:
// - blockStartAt / findBlockStart / holdIndex: where a call block starts, or could still start
//   (the sieve holds back only that much);
// - BlockEndScanner: where the block that starts at an opener ends (or that it has not yet);
// - callsInBlock: the valid calls of one complete block, and what was wrong with the rest.
import { randomBytes } from 'node:crypto';
import type { EmittedToolCall } from './output-controls.js';

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

/** End index of a balanced JSON object starting at `i` (strings respected), or -1 when unfinished. */
export function jsonObjectEnd(s: string, i: number): number {
  let depth = 0;
  let inStr = false;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (inStr) {
      if (c === 92) k++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return k + 1;
    }
  }
  return -1;
}

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

export interface BlockCalls {
  calls: EmittedToolCall[];
  /** Why entries were dropped (unknown tool, arguments not a JSON object), for the correction turn. */
  problems: string[];
}

export function newCallId(): string {
  return `call_${randomBytes(16).toString('hex')}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (all, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(Number.parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(Number.parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? all;
  });
}

function stripCdata(s: string): string {
  const t = s.trim();
  const m = /^<!\[CDATA\[([\s\S]*)\]\]>$/.exec(t);
  return m ? (m[1] ?? '') : t;
}

interface Element {
  attrs: string;
  body: string;
  end: number;
}

/**
 * The next complete `<tag …>body</tag>` at or after `from`. Open and close tags are found
 * separately (attributes bounded), so text full of unclosed tags costs linear time, not quadratic.
 */
function nextElement(s: string, tag: string, from: number): Element | undefined {
  const open = new RegExp(`<${tag}(\\s[^>]{0,300})?>`, 'g');
  open.lastIndex = from;
  const m = open.exec(s);
  if (!m) return undefined;
  const bodyStart = m.index + m[0].length;
  const close = new RegExp(`</${tag}\\s*>`, 'g');
  close.lastIndex = bodyStart;
  const c = close.exec(s);
  if (!c) return undefined;
  return { attrs: m[1] ?? '', body: s.slice(bodyStart, c.index), end: c.index + c[0].length };
}

/** Text of the first element named one of `tags` inside `s` (undefined: absent). */
function element(s: string, tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    const e = nextElement(s, tag, 0);
    if (e) return stripCdata(e.body);
  }
  return undefined;
}

function stripFence(s: string): string {
  const m = /^```[A-Za-z0-9_+-]*\s*([\s\S]*?)\s*```$/.exec(s.trim());
  return m ? (m[1] ?? '') : s.trim();
}

/** Arguments as compact JSON of an object, or undefined when they are not one. */
function normaliseArguments(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return '{}';
  let value: unknown = raw;
  if (typeof raw === 'string') {
    const text = stripFence(raw);
    if (text === '') return '{}';
    try {
      value = JSON.parse(text);
    } catch {
      try {
        value = JSON.parse(unescapeXml(text));
      } catch {
        return undefined;
      }
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return JSON.stringify(value);
}

class Collector {
  readonly calls: EmittedToolCall[] = [];
  readonly problems: string[] = [];
  constructor(private readonly declared: ReadonlySet<string>) {}

  add(rawName: string | undefined, rawArgs: unknown): void {
    const name = unescapeXml((rawName ?? '').trim());
    if (name === '') {
      this.problems.push('a call without a tool name');
      return;
    }
    if (!this.declared.has(name)) {
      this.problems.push(`unknown tool "${name}"`);
      return;
    }
    const args = normaliseArguments(rawArgs);
    if (args === undefined) {
      this.problems.push(`the arguments of "${name}" are not a JSON object`);
      return;
    }
    this.calls.push({ id: newCallId(), name, arguments: args });
  }
}

function eachElement(s: string, tag: string, fn: (attrs: string, body: string) => void): void {
  for (let e = nextElement(s, tag, 0); e; e = nextElement(s, tag, e.end)) fn(e.attrs, e.body);
}

function invokeArguments(body: string): unknown {
  const params: Record<string, unknown> = {};
  let any = false;
  eachElement(body, 'parameter', (attrs, value) => {
    const name = /name\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1];
    if (name === undefined) return;
    any = true;
    const text = stripCdata(value);
    try {
      params[unescapeXml(name)] = JSON.parse(text);
    } catch {
      params[unescapeXml(name)] = unescapeXml(text);
    }
  });
  if (any) return params;
  const inner = element(body, ['parameters', 'arguments', 'input']);
  return inner ?? stripCdata(body);
}

function collectXml(block: string, c: Collector): void {
  let found = false;
  eachElement(block, 'tool_call', (_a, body) => {
    found = true;
    c.add(element(body, ['tool_name', 'name']), element(body, ['parameters', 'arguments', 'input']));
  });
  eachElement(block, 'function_call', (_a, body) => {
    found = true;
    c.add(element(body, ['name', 'tool_name']), element(body, ['arguments', 'parameters', 'input']));
  });
  eachElement(block, 'invoke', (attrs, body) => {
    found = true;
    c.add(/name\s*=\s*["']([^"']*)["']/.exec(attrs)?.[1], invokeArguments(body));
  });
  if (!found) c.problems.push('a call block without any complete call');
}

function collectJson(block: string, c: Collector): void {
  const start = block.indexOf('{');
  let parsed: unknown;
  try {
    parsed = JSON.parse(block.slice(start, jsonObjectEnd(block, start)));
  } catch {
    c.problems.push('the tool_calls JSON does not parse');
    return;
  }
  const list = (parsed as { tool_calls?: unknown }).tool_calls;
  if (!Array.isArray(list) || list.length === 0) {
    c.problems.push('the tool_calls JSON has no calls');
    return;
  }
  for (const entry of list as unknown[]) {
    if (typeof entry !== 'object' || entry === null) {
      c.problems.push('a tool_calls entry that is not an object');
      continue;
    }
    const e = entry as Record<string, unknown>;
    const fn = (typeof e.function === 'object' && e.function !== null ? e.function : e) as Record<string, unknown>;
    const name = fn.name ?? fn.tool_name;
    c.add(typeof name === 'string' ? name : undefined, fn.arguments ?? fn.parameters ?? fn.input);
  }
}

/** The valid calls of one complete block (text from the opener to blockEnd). */
export function callsInBlock(block: string, kind: Kind, declared: ReadonlySet<string>): BlockCalls {
  const c = new Collector(declared);
  if (kind === 'json') collectJson(block, c);
  else collectXml(block, c);
  return { calls: c.calls, problems: c.problems };
}

export type { Kind as ToolBlockKind, Opener as ToolBlockOpener };
