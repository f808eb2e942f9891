// How the simulator answers the gateway's tool and JSON instructions "like a model would": it
// reads the instruction sections in the prompt (as plain text, the way Grok would), and answers
// with a tool call block, a JSON value, or text about a tool result. Deterministic, and scriptable
// through directives to produce the malformed answers real models sometimes give:
//   [sim:tool-steps=N]      call tools for N rounds before answering in text (default 1)
//   [sim:tool-bad=KIND]     the first answer is malformed: unknown (tool name), args (not JSON),
//                           text (no call at all); KIND-always stays malformed after a correction
//   [sim:tool-variant=V]    xml (default), function_call, invoke, json, fence
//   [sim:tool-prose]        some text before the call block
//   [sim:tool-parallel=N]   N calls in one block (declared tools in turn)
//   [sim:json-bad]          first JSON answer invalid for the schema; json-bad=always stays invalid
//   [sim:json-wrap]         the JSON comes in a code fence with chatter around it
import type { SimDirectives } from './directives.js';
import { sampleFromSchema } from './json-instance.js';

interface SimTool {
  name: string;
  parameters: Record<string, unknown>;
}

// Both flattening styles are read: `[role]: text` blocks and `[role]` on a line of its own, with
// tool results as `[tool result for ID]:` blocks or `Tool result (ID): text` lines.
const TOOL_LINE_RE = /^(?:\[system\]:? ?)?Tool: ([A-Za-z0-9_-]{1,64})$/gm;
const TOOL_RESULT_RE = /^(?:\[tool result for [^\]\n]*\]:?|Tool result \([^)\n]*\):)/gm;
const CORRECTION_RE = /(?:^|\n)(?:\[system\]:?\s*)?Correction: /;

function declaredTools(prompt: string): SimTool[] {
  const out: SimTool[] = [];
  for (const m of prompt.matchAll(TOOL_LINE_RE)) {
    const name = m[1] ?? '';
    const after = prompt.slice((m.index ?? 0) + m[0].length);
    const params = /\nParameters: (.*)/.exec(after)?.[1] ?? '{}';
    let parameters: Record<string, unknown> = {};
    try {
      parameters = JSON.parse(params) as Record<string, unknown>;
    } catch {
      // A model would guess; the simulator sends no arguments.
    }
    if (!out.some((t) => t.name === name)) out.push({ name, parameters });
  }
  return out;
}

/** The text of the last tool result in the prompt (its first line). */
function lastToolResult(prompt: string): string | undefined {
  let last: RegExpMatchArray | undefined;
  for (const m of prompt.matchAll(TOOL_RESULT_RE)) last = m;
  if (!last) return undefined;
  const rest = prompt.slice((last.index ?? 0) + last[0].length).replace(/^\s+/, '');
  return (rest.split(/\n\n\[/)[0] ?? '').split('\n')[0]?.trim() ?? '';
}

function callBlock(calls: Array<{ name: string; args: string }>, variant: string): string {
  switch (variant) {
    case 'function_call':
      return calls.map((c) => `<function_call><name>${c.name}</name><arguments>${c.args}</arguments></function_call>`).join('\n');
    case 'invoke':
      return `<function_calls>${calls.map((c) => `<invoke name="${c.name}">${c.args}</invoke>`).join('')}</function_calls>`;
    case 'json':
      return JSON.stringify({ tool_calls: calls.map((c) => ({ name: c.name, arguments: JSON.parse(c.args) as unknown })) });
    default: {
      const xml = '<tool_calls>\n' + calls.map((c) =>
        `  <tool_call>\n    <tool_name>${c.name}</tool_name>\n    <parameters>${c.args}</parameters>\n  </tool_call>\n`).join('') + '</tool_calls>';
      return variant === 'fence' ? '```xml\n' + xml + '\n```' : xml;
    }
  }
}

function badKind(value: string | undefined, corrected: boolean): string | undefined {
  if (value === undefined) return undefined;
  const always = value.endsWith('-always') || value === 'always';
  if (corrected && !always) return undefined;
  const kind = value.replace(/-?always$/, '');
  return kind === '' ? 'unknown' : kind;
}

function toolAnswer(prompt: string, tools: SimTool[], d: SimDirectives, line: string, history: string): string | undefined {
  const forced = /You must call the tool "([^"]+)"/.exec(prompt)?.[1];
  const mustCall = forced !== undefined || /You must call at least one of these tools/.test(prompt);
  // Results count over the whole conversation (a continued one keeps the earlier ones upstream).
  const results = [...history.matchAll(TOOL_RESULT_RE)].length + [...prompt.matchAll(TOOL_RESULT_RE)].length;
  if (!mustCall && results >= (d.toolSteps ?? 1)) {
    return `Based on the tool result: ${lastToolResult(prompt) ?? ''}`;
  }
  const corrected = CORRECTION_RE.test(prompt);
  const bad = badKind(d.toolBad, corrected);
  if (bad === 'text') return `I would rather answer directly: ${line}`;
  const byMention = tools.find((t) => line.includes(t.name));
  const first = tools.find((t) => t.name === forced) ?? byMention ?? tools[0];
  if (!first) return undefined;
  const n = Math.max(1, d.toolParallel ?? 1);
  const calls = Array.from({ length: n }, (_, i) => {
    const tool = i === 0 ? first : (tools[i % tools.length] ?? first);
    return { name: tool.name, args: JSON.stringify(sampleFromSchema(tool.parameters)) };
  });
  if (bad === 'unknown') calls[0] = { name: 'undeclared_tool', args: '{}' };
  if (bad === 'args') calls[0] = { name: first.name, args: '{"unterminated": ' };
  const block = bad === 'args' && (d.toolVariant === 'json') ? '{"tool_calls":[{"name":"x","arguments":' : callBlock(calls, d.toolVariant ?? 'xml');
  return d.toolProse ? `Let me check that for you.\n${block}` : block;
}

/** A JSON Schema written into the conversation itself (json_object mode: the client describes the shape). */
function schemaInText(prompt: string): Record<string, unknown> | undefined {
  for (let i = prompt.indexOf('{'); i !== -1; i = prompt.indexOf('{', i + 1)) {
    let depth = 0;
    let inStr = false;
    for (let k = i; k < prompt.length; k++) {
      const c = prompt[k];
      if (inStr) {
        if (c === '\\') k++;
        else if (c === '"') inStr = false;
      } else if (c === '"') inStr = true;
      else if (c === '{') depth++;
      else if (c === '}' && --depth === 0) {
        try {
          const v = JSON.parse(prompt.slice(i, k + 1)) as Record<string, unknown>;
          if (v.type === 'object' && typeof v.properties === 'object') return v;
        } catch {
          // Not JSON: keep looking.
        }
        break;
      }
    }
  }
  return undefined;
}

function jsonAnswer(prompt: string, d: SimDirectives, line: string): string {
  const m = /<json_schema>\n([\s\S]*?)\n<\/json_schema>/.exec(prompt);
  let value: unknown = { echo: line };
  let schema: Record<string, unknown> | undefined;
  if (m) {
    try {
      schema = JSON.parse(m[1] ?? '{}') as Record<string, unknown>;
    } catch {
      // Keep the echo object.
    }
  } else {
    schema = schemaInText(prompt);
  }
  if (schema && Object.keys(schema).length > 0) value = sampleFromSchema(schema);
  const bad = badKind(d.jsonBad, CORRECTION_RE.test(prompt));
  // Wrong for any schema that has properties: a bare string where an object goes.
  const json = bad ? (m ? '"not what the schema wants"' : '[1, 2') : JSON.stringify(value);
  return d.jsonWrap ? `Sure! Here is the JSON you asked for:\n\`\`\`json\n${json}\n\`\`\`\nHope this helps.` : json;
}

/**
 * The answer text for a prompt with tool or JSON instructions; undefined when it has neither.
 * `history` is a continued conversation's earlier turns: only its tool results count; the
 * instructions that apply are the ones in this turn's prompt (as a model follows the latest).
 */
export function emulationAnswer(prompt: string, d: SimDirectives, line: string, history = ''): string | undefined {
  const tools = declaredTools(prompt);
  if (tools.length > 0) {
    const answer = toolAnswer(prompt, tools, d, line, history);
    if (answer !== undefined && !(answer.startsWith('Based on') && prompt.includes('Answer with JSON only.'))) return answer;
  }
  if (prompt.includes('Answer with JSON only.')) return jsonAnswer(prompt, d, line);
  return undefined;
}
