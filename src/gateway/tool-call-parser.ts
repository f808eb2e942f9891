// Finds emulated tool calls in the model's answer text (docs/grok-protocol.md, "Tool-call
// emulation"). The prompt asks for <tool_calls><tool_call><tool_name>…</tool_name><parameters>{…}
// </parameters></tool_call></tool_calls>; models drift, so these are accepted too:
//   <tool_call>…</tool_call> without the root, <function_call><name>…</name><arguments>…</arguments>
//   </function_call> (optionally inside <function_calls>), <invoke name="…">{…} or <parameter …>
//   elements</invoke>, a JSON object with a "tool_calls" array, and a code fence around any of them.
//
// Where such a block starts and ends is tool-block-bounds.ts; this file reads one complete block:
// callsInBlock gives its valid calls, and what was wrong with the rest.
import { randomBytes } from 'node:crypto';
import { jsonObjectEnd } from './json-object-end.js';
import type { EmittedToolCall } from './output-controls.js';
import type { ToolBlockKind as Kind } from './tool-block-bounds.js';

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

