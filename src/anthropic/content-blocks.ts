// The emulated turn's outputs (reasoning, answer text, tool calls) → Anthropic content blocks, as
// stream events and as the finished content list. One state machine serves both the streaming and
// the non-streaming response, so they cannot disagree.
// - Reasoning opens a thinking block (only when the client enabled thinking); the block is closed
//   with a signature_delta carrying the gateway's signature (thinking-signature.ts).
// - Answer text goes into a text block. Blank text is held until something visible follows, so a
//   newline between the reasoning and a tool call does not become an empty text block.
// - Each tool call is one tool_use block: start (with empty input), one input_json_delta with the
//   whole arguments (the call is only known once its block is parsed), stop.
import type { EmittedToolCall, PipelineOut } from '../gateway/index.js';
import { signThinking } from './thinking-signature.js';
import type { BlockEvent, ContentBlock } from './wire.js';

/** Anthropic tool use ids look like toolu_…; the emulation's call ids are call_<32 hex>. */
export function toolUseId(callId: string): string {
  return `toolu_${callId.startsWith('call_') ? callId.slice(5) : callId}`;
}

function parseInput(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // The parser only emits calls with object arguments; this is a guard.
  }
  return {};
}

export class ContentBlocks {
  readonly blocks: ContentBlock[] = [];
  private open: 'text' | 'thinking' | undefined;
  private heldBlank = '';

  constructor(private readonly thinking: boolean) {}

  /** The events for one output of the turn, in order. */
  push(o: PipelineOut): BlockEvent[] {
    const ev: BlockEvent[] = [];
    if (o.reasoning && this.thinking) this.thinkingIn(o.reasoning, ev);
    if (o.content) this.textIn(o.content, ev);
    for (const c of o.calls) this.callIn(c, ev);
    return ev;
  }

  /** Closes the open block. */
  finish(): BlockEvent[] {
    const ev: BlockEvent[] = [];
    this.close(ev);
    return ev;
  }

  get hasToolUse(): boolean {
    return this.blocks.some((b) => b.type === 'tool_use');
  }

  private get index(): number {
    return this.blocks.length - 1;
  }

  private close(ev: BlockEvent[]): void {
    if (this.open === undefined) return;
    const b = this.blocks[this.index];
    if (b?.type === 'thinking') {
      b.signature = signThinking(b.thinking);
      ev.push({ type: 'content_block_delta', index: this.index, delta: { type: 'signature_delta', signature: b.signature } });
    }
    ev.push({ type: 'content_block_stop', index: this.index });
    this.open = undefined;
  }

  private thinkingIn(text: string, ev: BlockEvent[]): void {
    if (this.open !== 'thinking') {
      this.close(ev);
      this.blocks.push({ type: 'thinking', thinking: '', signature: '' });
      this.open = 'thinking';
      ev.push({ type: 'content_block_start', index: this.index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    }
    const b = this.blocks[this.index];
    if (b?.type === 'thinking') b.thinking += text;
    ev.push({ type: 'content_block_delta', index: this.index, delta: { type: 'thinking_delta', thinking: text } });
  }

  private textIn(text: string, ev: BlockEvent[]): void {
    if (this.open !== 'text') {
      if (text.trim() === '') {
        this.heldBlank += text;
        return;
      }
      text = this.heldBlank + text;
      this.heldBlank = '';
      this.close(ev);
      this.blocks.push({ type: 'text', text: '' });
      this.open = 'text';
      ev.push({ type: 'content_block_start', index: this.index, content_block: { type: 'text', text: '' } });
    }
    const b = this.blocks[this.index];
    if (b?.type === 'text') b.text += text;
    ev.push({ type: 'content_block_delta', index: this.index, delta: { type: 'text_delta', text } });
  }

  private callIn(c: EmittedToolCall, ev: BlockEvent[]): void {
    this.close(ev);
    this.heldBlank = '';
    const id = toolUseId(c.id);
    this.blocks.push({ type: 'tool_use', id, name: c.name, input: parseInput(c.arguments) });
    ev.push(
      { type: 'content_block_start', index: this.index, content_block: { type: 'tool_use', id, name: c.name, input: {} } },
      { type: 'content_block_delta', index: this.index, delta: { type: 'input_json_delta', partial_json: c.arguments } },
      { type: 'content_block_stop', index: this.index },
    );
  }
}
