// The prompt side of tool-calling emulation (docs/grok-protocol.md, "Tool-call emulation"):
// the [system] section that declares the client's functions and the answer contract, the XML an
// earlier assistant tool call is re-serialised into for the history, and the correction sent when
// a forced call came back malformed.
//
// The contract asks for exactly the block the parser looks for first and the streaming sieve
// recognises, so the common case needs no fallback:
//   <tool_calls><tool_call><tool_name>NAME</tool_name><parameters>{JSON}</parameters></tool_call></tool_calls>
import type { ConversationToolCall } from './types.js';
import type { ToolSet } from './output-controls.js';

/** First line of the section; the simulator and tests recognise the section by it. */
export const TOOL_SECTION_HEADER = 'You can call the following client tools (functions).';
/** First words of a correction turn. */
export const CORRECTION_MARKER = 'Correction:';

function escapeXmlText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function choiceLine(set: ToolSet): string {
  const c = set.choice;
  if (c.mode === 'named') return `You must call the tool "${c.name}" now, and no other tool.`;
  if (c.mode === 'required') {
    return set.hostedSearch
      ? 'You must call at least one of these tools now, or search the web yourself.'
      : 'You must call at least one of these tools now.';
  }
  return 'Call a tool only when it is clearly needed to answer; otherwise answer normally in plain text.';
}

/** The [system] section text (without the label; flattening adds it). */
export function toolInstructions(set: ToolSet): string {
  const lines: string[] = [TOOL_SECTION_HEADER, ''];
  for (const t of set.tools) {
    lines.push(`Tool: ${t.name}`);
    if (t.description) lines.push(`Description: ${t.description}`);
    lines.push(`Parameters: ${JSON.stringify(t.parameters)}`);
    lines.push('');
  }
  lines.push(
    'To call tools, answer with only this XML block: no prose before or after it, no code fences.',
    '<tool_calls>',
    '  <tool_call>',
    '    <tool_name>TOOL_NAME</tool_name>',
    '    <parameters>{"argument": "value"}</parameters>',
    '  </tool_call>',
    '</tool_calls>',
    '<parameters> holds exactly one JSON object that matches the tool\'s Parameters schema.',
    set.parallel
      ? 'To call several tools at once, put several <tool_call> elements in the one <tool_calls> block.'
      : 'Call at most one tool per answer.',
    'Tool results come back in later turns as "[tool result for CALL_ID]"; use them to answer or to call another tool.',
    choiceLine(set),
  );
  return lines.join('\n');
}

/** Compact JSON of the arguments when they parse, else the text as the client sent it. */
function compactArguments(args: string): string {
  const t = args.trim();
  if (t === '') return '{}';
  try {
    return JSON.stringify(JSON.parse(t));
  } catch {
    return t;
  }
}

/** Earlier assistant calls, in the same XML the model is asked to produce (names escaped). */
export function toolCallsXml(calls: readonly ConversationToolCall[]): string {
  const inner = calls
    .map((c) => `<tool_call><tool_name>${escapeXmlText(c.name)}</tool_name><parameters>${compactArguments(c.arguments)}</parameters></tool_call>`)
    .join('');
  return `<tool_calls>${inner}</tool_calls>`;
}

/** The turn appended for the corrective retry: what was wrong and what to do instead. */
export function toolCorrection(set: ToolSet, problem: string): string {
  const names = set.tools.map((t) => t.name).join(', ');
  const must = set.choice.mode === 'named' ? `the tool "${set.choice.name}"` : 'one of the declared tools';
  return `${CORRECTION_MARKER} your previous answer did not contain a valid tool call (${problem}). ` +
    `Answer again with only the <tool_calls> XML block calling ${must} (declared: ${names}), ` +
    'with a JSON object in <parameters>.';
}
