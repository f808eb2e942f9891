// Builds a Response's `output` items from the emulated turn's outputs, and the typed stream events
// OpenAI sends while doing so: reasoning (summary) → message (output_text) → function calls, each
// opened with response.output_item.added and closed with response.output_item.done. The same
// builder serves streaming and non-streaming requests, so both produce the same items.
import { randomBytes } from 'node:crypto';
import type { EmittedToolCall, PipelineOut } from '../../gateway/index.js';

export type EmitEvent = (type: string, data: Record<string, unknown>) => Promise<void>;

export interface UrlCitationAnnotation {
  type: 'url_citation';
  start_index: number;
  end_index: number;
  url: string;
  title: string;
}

export type OutputItem =
  | { id: string; type: 'reasoning'; summary: Array<{ type: 'summary_text'; text: string }> }
  | {
    id: string;
    type: 'message';
    status: 'in_progress' | 'completed' | 'incomplete';
    role: 'assistant';
    content: Array<{ type: 'output_text'; text: string; annotations: UrlCitationAnnotation[]; logprobs: [] }>;
  }
  | { id: string; type: 'function_call'; status: 'in_progress' | 'completed'; call_id: string; name: string; arguments: string };

export function itemId(prefix: string): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

export class ResponseOutputBuilder {
  readonly items: OutputItem[] = [];
  private open: { kind: 'reasoning' | 'message'; index: number; text: string } | undefined;
  /** Blank text waiting for something visible: a message is not opened for whitespace alone. */
  private pendingBlank = '';

  constructor(
    private readonly emit: EmitEvent,
    /** false: reasoning is counted but no reasoning item is shown (no summary was asked for). */
    private readonly showReasoning: boolean,
  ) {}

  async push(o: PipelineOut): Promise<void> {
    if (o.reasoning && this.showReasoning) await this.reasoning(o.reasoning);
    if (o.content) await this.text(o.content);
    for (const c of o.calls) await this.call(c);
  }

  private async reasoning(delta: string): Promise<void> {
    if (this.open?.kind !== 'reasoning') {
      await this.closeOpen();
      const item: OutputItem = { id: itemId('rs'), type: 'reasoning', summary: [] };
      const index = this.items.push(item) - 1;
      this.open = { kind: 'reasoning', index, text: '' };
      await this.emit('response.output_item.added', { output_index: index, item: structuredClone(item) });
      await this.emit('response.reasoning_summary_part.added', { item_id: item.id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    const open = this.open;
    open.text += delta;
    const id = this.items[open.index]?.id;
    await this.emit('response.reasoning_summary_text.delta', { item_id: id, output_index: open.index, summary_index: 0, delta });
  }

  private async text(delta: string): Promise<void> {
    if (this.open?.kind !== 'message') {
      if (delta.trim() === '') {
        this.pendingBlank += delta;
        return;
      }
      await this.closeOpen();
      const item: OutputItem = { id: itemId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] };
      const index = this.items.push(item) - 1;
      this.open = { kind: 'message', index, text: '' };
      await this.emit('response.output_item.added', { output_index: index, item: structuredClone(item) });
      await this.emit('response.content_part.added', {
        item_id: item.id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      });
    }
    const open = this.open;
    const piece = this.pendingBlank + delta;
    this.pendingBlank = '';
    open.text += piece;
    await this.emit('response.output_text.delta', { item_id: this.items[open.index]?.id, output_index: open.index, content_index: 0, delta: piece, logprobs: [] });
  }

  private async call(c: EmittedToolCall): Promise<void> {
    await this.closeOpen();
    const item = { id: itemId('fc'), type: 'function_call' as const, status: 'in_progress' as 'in_progress' | 'completed', call_id: c.id, name: c.name, arguments: '' };
    const index = this.items.push(item) - 1;
    await this.emit('response.output_item.added', { output_index: index, item: structuredClone(item) });
    await this.emit('response.function_call_arguments.delta', { item_id: item.id, output_index: index, delta: c.arguments });
    item.arguments = c.arguments;
    await this.emit('response.function_call_arguments.done', { item_id: item.id, output_index: index, name: c.name, arguments: c.arguments });
    item.status = 'completed';
    await this.emit('response.output_item.done', { output_index: index, item: structuredClone(item) });
  }

  /** Closes the open reasoning or message item (`annotations` go on a message's text). */
  private async closeOpen(annotations: UrlCitationAnnotation[] = [], status: 'completed' | 'incomplete' = 'completed'): Promise<void> {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const item = this.items[open.index];
    if (!item) return;
    if (item.type === 'reasoning') {
      const part = { type: 'summary_text' as const, text: open.text };
      await this.emit('response.reasoning_summary_text.done', { item_id: item.id, output_index: open.index, summary_index: 0, text: open.text });
      await this.emit('response.reasoning_summary_part.done', { item_id: item.id, output_index: open.index, summary_index: 0, part });
      item.summary = [part];
    } else if (item.type === 'message') {
      const part = { type: 'output_text' as const, text: open.text, annotations, logprobs: [] as [] };
      await this.emit('response.output_text.done', { item_id: item.id, output_index: open.index, content_index: 0, text: open.text, logprobs: [] });
      await this.emit('response.content_part.done', { item_id: item.id, output_index: open.index, content_index: 0, part });
      item.content = [part];
      item.status = status;
    }
    await this.emit('response.output_item.done', { output_index: open.index, item: structuredClone(item) });
  }

  /** Ends the output: closes what is open. `annotations` apply when the last item is the answer text. */
  async finish(annotations: UrlCitationAnnotation[], incomplete: boolean): Promise<void> {
    await this.closeOpen(annotations, incomplete ? 'incomplete' : 'completed');
  }

  /** The answer text (all output_text joined), the SDKs' `output_text`. */
  get outputText(): string {
    let out = '';
    for (const item of this.items) if (item.type === 'message') for (const p of item.content) out += p.text;
    return out;
  }
}
