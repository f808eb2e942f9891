// The per-request state that turns typed Grok events into what the client is sent: answer text and
// reasoning, in the shape the request's reasoning mode asks for. Used by the streaming path (each
// push's delta becomes a chunk) and the non-streaming path (the accumulated texts become the message).
// Over 400 lines on purpose: its rules below are one state machine over one event sequence, and
// splitting it would spread that state across files (the markup filter and tool cards already live apart).
//
// Rules (docs/grok-protocol.md §21.5.1, §21.5.2; mgw output §5.6):
// - Answer text is only `token` events with thinking=false and tag "final" (or no tag), filtered by
//   AnswerMarkupFilter. Other tags without thinking (header/summary/raw_function_result) are dropped.
// - Thinking tokens, tool cards and search results become reasoning through ReasoningFormatter, until
//   answer text starts; after that they are dropped (Grok sometimes trails summary lines).
// - reasoning_content: reasoning goes in `reasoning`. think_tags: it goes in `content` as
//   "<think>\n...\n</think>\n\n" (opened on the first reasoning, closed before the first answer text or
//   at finish). hidden: it is dropped.
// - `model-response` repeats the whole answer; it is used only when no answer token came at all.
// - Search sources are always collected; with showSearchSources a "## Sources" block ends the answer
//   (messages-to-grok-prompt strips it from the history again).
// - Final generated images (progress 100 with a URL) are collected (generatedImages()); the caller
//   links them (generated-image-links.ts) and finish(links) ends the answer with one Markdown image
//   each, before the sources block. Previews (progress < 100) are never shown, and a moderated
//   image is dropped, even when modelResponse.generatedImageUrls names it again.
// - Video progress is not rendered here (the media path handles it).
// - `citation` events (mgw render_citation) become `[[n]](url)` markers at that point of the answer,
//   numbered with (and annotated like) the REST path's citation tags.

import type { GrokEvent, GrokModelResponseEvent, GrokTokenEvent } from '../grok/index.js';
import { AnswerMarkupFilter, CardRegistry, escapeLinkText, escapeLinkUrl, type UrlCitation } from './markup-filter.js';
import { ReasoningFormatter } from './reasoning-formatter.js';
import type { ReasoningMode } from './types.js';

export interface AnswerDelta {
  reasoning?: string;
  content?: string;
}

export interface SearchSource {
  url: string;
  title: string;
}

export interface GeneratedImageRef {
  /** As Grok gave it: relative to the assets host, or absolute. */
  url: string;
  assetId: string | undefined;
}

export interface AnswerAssemblerOptions {
  reasoning: ReasoningMode;
  /** Append a "## Sources" block when there were search results or citations. */
  showSearchSources?: boolean;
  /**
   * Drop a "[assistant]:" label the model may echo at the very start of its answer (it sees the
   * history as labelled blocks). Default true.
   */
  stripEchoedRoleLabel?: boolean;
}

const ROLE_LABEL = '[assistant]:';
const THINK_OPEN = '<think>\n';
const THINK_CLOSE = '</think>\n\n';

const G_OFF = 0; // label guard done
const G_CHECK = 1; // the answer's start may still be an echoed label: held in guardBuf
const G_SKIP_WS = 2; // a label was dropped: drop the whitespace after it too

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13;
}

export class AnswerAssembler {
  private readonly mode: ReasoningMode;
  private readonly showSources: boolean;
  private readonly cards = new CardRegistry();
  private readonly filter: AnswerMarkupFilter;
  private readonly formatter = new ReasoningFormatter();

  private content = '';
  private reasoning = '';
  private rawReasoning = '';
  /** Content length when the filter's first output was added: base of annotation offsets. */
  private contentBase = -1;

  private thinkOpen = false;
  private answerStarted = false;
  private finalSeen = false;
  private finished = false;
  private answerEmitted = false;

  private guard: number;
  private guardBuf = '';

  private _responseId: string | undefined;
  private _modelHash: string | undefined;
  private _model: string | undefined;
  private _modelError: string | undefined;

  private readonly sources: SearchSource[] = [];
  // Made on first use (search results, images): most answers have neither, and one assembler is
  // made per call.
  private sourceUrls: Set<string> | undefined;
  private readonly images: GeneratedImageRef[] = [];
  private imageUrls: Set<string> | undefined;
  private moderatedUrls: Set<string> | undefined;

  /** Delta of the current push. */
  private dReasoning = '';
  private dContent = '';

  constructor(opts: AnswerAssemblerOptions) {
    this.mode = opts.reasoning;
    this.showSources = opts.showSearchSources ?? false;
    this.guard = (opts.stripEchoedRoleLabel ?? true) ? G_CHECK : G_OFF;
    this.filter = new AnswerMarkupFilter(this.cards);
  }

  /** Feed one upstream event; returns what to send to the client now (undefined: nothing). */
  push(event: GrokEvent): AnswerDelta | undefined {
    if (this.finished) return undefined;
    switch (event.type) {
      case 'token':
        this.onToken(event);
        break;
      case 'meta':
        if (event.modelHash) this._modelHash = event.modelHash;
        if (event.model) this._model = event.model;
        return undefined;
      case 'card':
        this.cards.add(event.id, event.card);
        return undefined;
      case 'tool-card':
        if (!this.answerStarted) this.addReasoning(this.formatter.toolCard(event.name, event.args, event.rolloutId));
        break;
      case 'search-results':
        for (const r of event.results) {
          if (!r.url) continue;
          this.cards.noteTitle(r.url, r.title);
          const seen = (this.sourceUrls ??= new Set());
          if (seen.has(r.url)) continue;
          seen.add(r.url);
          this.sources.push({ url: r.url, title: r.title || r.url });
        }
        if (!this.answerStarted) this.addReasoning(this.formatter.searchResults(event.results));
        break;
      case 'image-progress':
        if (event.moderated) {
          // Moderated: never shown (Grok withholds it from the user too).
          if (event.url) this.dropImage(event.url);
        } else if (event.url && event.progress >= 100) {
          this.addImage(event.url, event.assetId);
        }
        return undefined;
      case 'model-response':
        this.onModelResponse(event);
        break;
      case 'citation':
        this.onCitation(event.url);
        break;
      default:
        // video-progress: handled by the media path; end: the caller calls finish().
        return undefined;
    }
    return this.takeDelta();
  }

  /**
   * Upstream ended: the rest (held text, closing </think>, the generated images, sources block).
   * `imageLinks`: one client-facing URL per generated image to show, in order (from
   * generated-image-links.ts); each becomes `![image](url)` at the end of the answer. Idempotent.
   */
  finish(imageLinks: readonly string[] = []): AnswerDelta | undefined {
    if (this.finished) return undefined;
    this.finished = true;
    if (!this.answerStarted) {
      this.endReasoning();
    } else if (this.guard === G_CHECK && this.guardBuf !== '') {
      // The answer was only the start of a label (or whitespace): it is the answer.
      const held = this.guardBuf;
      this.guardBuf = '';
      this.guard = G_OFF;
      this.filterText(held);
    }
    const tail = this.filter.flush();
    if (tail) this.addAnswer(tail);
    if (imageLinks.length > 0) this.appendImages(imageLinks);
    // A sources block alone (no answer text, e.g. a failed or image-only turn) would read as the answer.
    if (this.showSources && this.answerEmitted) this.appendSourcesBlock();
    return this.takeDelta();
  }

  get responseId(): string | undefined {
    return this._responseId;
  }

  get modelHash(): string | undefined {
    return this._modelHash;
  }

  /** Upstream model name from `userResponse` (informational; clients see their own model id). */
  get upstreamModel(): string | undefined {
    return this._model;
  }

  /** `modelResponse.error`, when Grok reported a model-side failure. The caller decides what to do. */
  get modelError(): string | undefined {
    return this._modelError;
  }

  /** True once answer text (not reasoning, not the think block) was produced for the client. */
  get hasContent(): boolean {
    return this.answerEmitted;
  }

  /** True once anything at all (reasoning or content) was produced for the client. */
  get hasOutput(): boolean {
    return this.content !== '' || this.reasoning !== '';
  }

  /** url_citation annotations with offsets into contentText() (UTF-16 code units). */
  annotations(): UrlCitation[] {
    const list = this.filter.annotations();
    if (this.contentBase <= 0) return list;
    const base = this.contentBase;
    return list.map((a) => ({
      type: a.type,
      url_citation: {
        ...a.url_citation,
        start_index: a.url_citation.start_index + base,
        end_index: a.url_citation.end_index + base,
      },
    }));
  }

  /** Every search result seen (deduplicated by URL), in order: the `search_sources` field. */
  searchSources(): SearchSource[] {
    return this.sources.slice();
  }

  /** Final generated images seen in the stream (progress 100, not moderated), in order. */
  generatedImages(): GeneratedImageRef[] {
    return this.images.slice();
  }

  /** Everything sent as `content` so far (in think_tags mode, including the <think> block). */
  contentText(): string {
    return this.content;
  }

  /** Everything sent as `reasoning` so far (empty unless the mode is reasoning_content). */
  reasoningText(): string {
    return this.reasoning;
  }

  /** All reasoning Grok produced, whatever the mode (for usage estimates; never show it in hidden mode). */
  rawReasoningText(): string {
    return this.rawReasoning;
  }

  private onToken(e: GrokTokenEvent): void {
    if (e.responseId && this._responseId === undefined) this._responseId = e.responseId;
    if (e.tag === 'tool_usage_card' || e.tag === 'raw_function_result') return;
    if (e.thinking) {
      if (!this.answerStarted) this.addReasoning(this.formatter.thinking(e.text, e.tag, e.rolloutId));
      return;
    }
    if (e.tag !== undefined && e.tag !== 'final') return;
    if (e.text === '') return;
    this.finalSeen = true;
    this.answerIn(e.text);
  }

  private onModelResponse(e: GrokModelResponseEvent): void {
    if (e.responseId && this._responseId === undefined) this._responseId = e.responseId;
    if (e.error) this._modelError = e.error;
    for (const url of e.generatedImageUrls) this.addImage(url, undefined);
    // Its message repeats the streamed answer; only a flow that streamed no answer needs it.
    if (!this.finalSeen && e.message !== '') {
      this.finalSeen = true;
      this.answerIn(e.message);
    }
  }

  /** mgw `render_citation`: a `[[n]](url)` marker at this point of the answer (protocol "turning events into output"). */
  private onCitation(url: string): void {
    if (!this.answerStarted) {
      this.answerStarted = true;
      this.endReasoning();
    }
    if (this.guard !== G_OFF && this.guardBuf !== '') {
      // Text held by the role-label guard comes before the marker.
      const held = this.guardBuf;
      this.guardBuf = '';
      this.guard = G_OFF;
      this.filterText(held);
    }
    this.guard = G_OFF;
    if (this.contentBase < 0) this.contentBase = this.content.length;
    const marker = this.filter.cite(url);
    if (marker !== '') this.addAnswer(marker);
  }

  /** Raw answer text from Grok. */
  private answerIn(raw: string): void {
    if (!this.answerStarted) {
      this.answerStarted = true;
      this.endReasoning();
    }
    const text = this.guardText(raw);
    if (text !== '') this.filterText(text);
  }

  private filterText(text: string): void {
    if (this.contentBase < 0) this.contentBase = this.content.length;
    const out = this.filter.push(text);
    if (out !== '') this.addAnswer(out);
  }

  /**
   * Holds the first characters of the answer while they could be an echoed "[assistant]:" label,
   * drops the label (and the whitespace after it) when it is one. Costs nothing after the start.
   */
  private guardText(raw: string): string {
    if (this.guard === G_OFF) return raw;
    if (this.guard === G_SKIP_WS) {
      let k = 0;
      while (k < raw.length && isWs(raw.charCodeAt(k))) k++;
      if (k === raw.length) return '';
      this.guard = G_OFF;
      return k === 0 ? raw : raw.slice(k);
    }
    const held = this.guardBuf + raw;
    let k = 0;
    while (k < held.length && isWs(held.charCodeAt(k))) k++;
    const rest = held.length - k;
    if (rest === 0 || (rest < ROLE_LABEL.length && ROLE_LABEL.startsWith(held.slice(k)))) {
      this.guardBuf = held; // still undecided
      return '';
    }
    this.guardBuf = '';
    if (!held.startsWith(ROLE_LABEL, k)) {
      this.guard = G_OFF;
      return held;
    }
    this.guard = G_SKIP_WS;
    return this.guardText(held.slice(k + ROLE_LABEL.length));
  }

  /** Reasoning text from the formatter, routed by mode. */
  private addReasoning(text: string): void {
    if (text === '') return;
    this.rawReasoning += text;
    if (this.mode === 'reasoning_content') {
      this.reasoning += text;
      this.dReasoning += text;
    } else if (this.mode === 'think_tags') {
      const s = this.thinkOpen ? text : THINK_OPEN + text;
      this.thinkOpen = true;
      this.content += s;
      this.dContent += s;
    }
  }

  /** Thinking is over: release what the formatter held and close the think block. */
  private endReasoning(): void {
    this.addReasoning(this.formatter.flush());
    if (this.thinkOpen) {
      const close = this.content.endsWith('\n') ? THINK_CLOSE : `\n${THINK_CLOSE}`;
      this.thinkOpen = false;
      this.content += close;
      this.dContent += close;
    }
  }

  private addAnswer(text: string): void {
    this.answerEmitted = true;
    this.content += text;
    this.dContent += text;
  }

  private addImage(url: string, assetId: string | undefined): void {
    const urls = (this.imageUrls ??= new Set());
    if (urls.has(url) || this.moderatedUrls?.has(url) === true) return;
    urls.add(url);
    this.images.push({ url, assetId });
  }

  private dropImage(url: string): void {
    (this.moderatedUrls ??= new Set()).add(url);
    if (this.imageUrls?.delete(url) !== true) return;
    const at = this.images.findIndex((img) => img.url === url);
    if (at >= 0) this.images.splice(at, 1);
  }

  /** The linked images as answer text, after what was said, like an image model's answer. */
  private appendImages(links: readonly string[]): void {
    const sep = this.content === '' || this.content.endsWith('\n\n') ? '' : this.content.endsWith('\n') ? '\n' : '\n\n';
    this.addAnswer(sep + links.map((u) => `![image](${escapeLinkUrl(u)})`).join('\n\n'));
  }

  private appendSourcesBlock(): void {
    let list: SearchSource[] = this.sources;
    if (list.length === 0) {
      // No search results, but citations: list the cited pages.
      const seen = new Set<string>();
      list = [];
      for (const a of this.filter.annotations()) {
        if (seen.has(a.url_citation.url)) continue;
        seen.add(a.url_citation.url);
        list.push({ url: a.url_citation.url, title: a.url_citation.title });
      }
    }
    if (list.length === 0) return;
    let block = this.content === '' || this.content.endsWith('\n\n') ? '' : this.content.endsWith('\n') ? '\n' : '\n\n';
    block += '## Sources\n';
    for (const s of list) block += `- [${escapeLinkText(s.title || s.url)}](${escapeLinkUrl(s.url)})\n`;
    this.content += block;
    this.dContent += block;
  }

  private takeDelta(): AnswerDelta | undefined {
    const r = this.dReasoning;
    const c = this.dContent;
    if (r === '' && c === '') return undefined;
    this.dReasoning = '';
    this.dContent = '';
    if (r === '') return { content: c };
    if (c === '') return { reasoning: r };
    return { reasoning: r, content: c };
  }
}
