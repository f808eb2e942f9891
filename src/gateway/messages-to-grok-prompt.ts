// Flattens an OpenAI-style conversation into the single `message` string Grok web takes
// (docs/grok-protocol.md §21.2). Every request starts a new (temporary) Grok conversation, so the whole
// history has to travel in that one string, in order.
//
// Shape (as A): role-labelled blocks joined by blank lines, e.g.
//   [system]: Be brief
//
//   [user name=alice]: What's the weather in Paris?
//
//   [assistant]: Let me check.
//   <tool_calls><tool_call><tool_name>get_weather</tool_name><parameters>{"city":"Paris"}</parameters></tool_call></tool_calls>
//
//   [tool result for call_1 (get_weather)]:
//   {"temp":21}
//
//   [user]: Thanks! And tomorrow?
//
// Choices:
// - A conversation that is one turn (a lone user message, or a lone system/developer prompt, empty
//   turns ignored) goes through exactly as written: "Hello" arrives as "Hello". Any second turn,
//   including a system prompt before the user's message, switches to labelled blocks, because the
//   model must be able to tell the operator's instructions from the user's words.
// - Nothing but the labels is added: no "continue the conversation" line and no trailing
//   "[assistant]:" cue, which the model would echo into its answer.
// - Previous assistant turns are cleaned of what this gateway added to them (a leading <think> block
//   in think_tags mode, the trailing "## Sources" block) so the model does not imitate our artefacts.
//   Markdown image links (e.g. to our media cache) stay: they are part of the answer the user saw.
// - Earlier assistant tool calls are written in the very XML block the tool-calling emulation asks
//   the model to answer with (tool-prompt.ts), so the history shows it the contract at work; a tool
//   result names the tool its call went to, since the XML carries no call id.
// - Attachments are not mentioned in the text; they are uploaded and sent as `fileAttachments`
//   (see `attachmentsInOrder`).

import { toolCallsXml } from './tool-prompt.js';
import type { ConversationAttachment, ConversationMessage, ConversationToolCall } from './types.js';

/** Whole-request flattening. See the file comment for the shape. */
export function messagesToGrokPrompt(messages: ConversationMessage[]): string {
  const blocks: string[] = [];
  let only: ConversationMessage | undefined;
  const callNames = new Map<string, string>();
  for (const m of messages) {
    const text = turnText(m);
    const calls = m.role === 'assistant' ? (m.toolCalls ?? []) : [];
    for (const c of calls) if (c.id) callNames.set(c.id, c.name);
    // Empty turns carry nothing for the model; a tool result is kept even when empty (the call
    // returned nothing, which is itself an answer).
    if (text === '' && calls.length === 0 && m.role !== 'tool') continue;
    blocks.push(renderTurn(m, text, calls, callNames));
    if (blocks.length === 1) only = m;
  }
  if (blocks.length === 0) return '';
  if (blocks.length === 1 && only !== undefined && isSingleTurnRole(only)) {
    // Untouched: trailing whitespace or indentation may matter to the user (code, poems).
    return only.text;
  }
  return blocks.join('\n\n');
}

function isSingleTurnRole(m: ConversationMessage): boolean {
  return m.role === 'user' || m.role === 'system' || m.role === 'developer';
}

/** Every attachment of the conversation in message order, each URL once (for upload). */
export function attachmentsInOrder(messages: ConversationMessage[]): ConversationAttachment[] {
  const out: ConversationAttachment[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    for (const a of m.attachments) {
      if (seen.has(a.url)) continue;
      seen.add(a.url);
      out.push(a);
    }
  }
  return out;
}

/** An assistant turn's tool calls, as shown to the model in the history. */
export function formatToolCalls(calls: readonly ConversationToolCall[]): string {
  return toolCallsXml(calls);
}

/** The text of one turn as shown in a block: our artefacts removed, outer blank space trimmed. */
function turnText(m: ConversationMessage): string {
  const text = m.role === 'assistant' ? stripGatewayArtifacts(m.text) : m.text;
  return tidy(text);
}

function renderTurn(m: ConversationMessage, text: string, calls: ConversationToolCall[], callNames: ReadonlyMap<string, string>): string {
  if (m.role === 'tool') {
    const tool = m.toolCallId ? callNames.get(m.toolCallId) : undefined;
    const id = m.toolCallId ? cleanLabel(m.toolCallId) : '';
    const label = id ? (tool ? `[tool result for ${id} (${cleanLabel(tool)})]:` : `[tool result for ${id}]:`) : '[tool result]:';
    return text === '' ? label : `${label}\n${text}`;
  }
  const name = m.name ? cleanLabel(m.name) : '';
  const label = name ? `[${m.role} name=${name}]:` : `[${m.role}]:`;
  if (calls.length === 0) return `${label} ${text}`;
  const xml = formatToolCalls(calls);
  return text === '' ? `${label} ${xml}` : `${label} ${text}\n${xml}`;
}

/** Label values must not close the label or break the line. */
function cleanLabel(value: string): string {
  return value.replace(/[[\]\r\n]+/g, ' ').trim();
}

/** Trailing whitespace and leading blank lines go; the first line's indentation stays. */
function tidy(text: string): string {
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  if (end === 0) return '';
  let start = 0;
  // Skip whole leading lines that are blank.
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) start = i + 1;
    else if (!isSpace(c)) break;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 0xa0 || c === 0x3000;
}

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';
const SOURCES_HEADING = '## Sources';
const SOURCE_LINE = /^\s*(?:[-*] \[.*\]\(.*\)\s*)?$/;

/**
 * Removes what the gateway added to an answer it produced: a leading `<think>...</think>` block
 * (think_tags mode) and a trailing `## Sources` block. Only these exact placements are touched, so an
 * answer that merely talks about <think> tags or has its own "Sources" section elsewhere survives.
 */
export function stripGatewayArtifacts(text: string): string {
  let s = text;
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  if (s.startsWith(THINK_OPEN, i)) {
    const close = s.indexOf(THINK_CLOSE, i + THINK_OPEN.length);
    // An unclosed block means the answer was cut off while reasoning: nothing of the answer is left.
    s = close === -1 ? '' : s.slice(close + THINK_CLOSE.length);
  }
  const h = s.lastIndexOf(SOURCES_HEADING);
  if (h !== -1 && (h === 0 || s.charCodeAt(h - 1) === 10)) {
    const after = s.slice(h + SOURCES_HEADING.length);
    if (after === '' || after.charCodeAt(0) === 10 || after.charCodeAt(0) === 13) {
      const lines = after.split('\n');
      if (lines.every((line) => SOURCE_LINE.test(line))) s = s.slice(0, h);
    }
  }
  return s;
}
