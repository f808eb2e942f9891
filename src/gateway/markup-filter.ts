// Streaming removal of Grok's in-band markup from answer text (docs/grok-protocol.md §21.5.3).
//
// Grok's answer tokens may contain three kinds of markup that must never reach a client:
//   <xaiArtifact ...> ... </xaiArtifact>              an "artifact" panel in the Grok web UI
//   <xai:tool_usage_card> ... </xai:tool_usage_card>  a tool card the web UI draws itself
//   <grok:render card_id=".." card_type=".." type=".."> ... </grok:render>   (or self-closing)
// Tokens are arbitrary fragments, so a tag can be split at any character. The filter is a small
// state machine: outside markup it only looks for '<' (indexOf, no per-char work, no allocation when
// a token has none), and it holds text back only from a '<' that can still start one of these tags.
// As soon as the held text can no longer be such a tag (`a < b`, `<div>`, `<3`), it is released.
//
// Choices:
// - xaiArtifact: only the tags are dropped, the inner text is kept. An artifact wraps the real
//   deliverable (a code file, a markdown document); F drops the whole span, which silently deletes
//   the part of the answer the user asked for. Keeping the body loses only the panel chrome.
// - xai:tool_usage_card: the whole span is dropped (its body is UI data, not prose).
// - grok:render: rewritten from the card registry (citations, searched images); its body is dropped.
// - Closing tags of these kinds are always dropped, even stray ones.
// - Offsets of url_citation annotations are in UTF-16 code units of the text this filter emitted,
//   which is what `String.prototype.slice` uses in the JavaScript SDKs that read them.

import { CardRegistry, stringField } from './card-registry.js';
import { escapeLinkUrl, searchedImageMarkdown } from './card-markdown.js';
import {
  ALL_TAGS,
  C_DQUOTE,
  C_GT,
  C_SLASH,
  C_SQUOTE,
  isWs,
  lowerAscii,
  MAX_TAG_LENGTH,
  parseAttributes,
  T_ARTIFACT,
  T_CARD,
  T_RENDER,
  TAG_NAMES,
} from './markup-tags.js';

// The card registry and link escaping live in their own files; imported from here by the assembler.
export { CardRegistry } from './card-registry.js';
export { escapeLinkText, escapeLinkUrl } from './card-markdown.js';

export interface UrlCitation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

const S_TEXT = 0; // plain text: look for '<'
const S_NAME = 1; // after '<' (and maybe '/'): matching a tag name
const S_ATTRS = 2; // known tag name read: waiting for the closing '>'
const S_SKIP = 3; // inside a span whose body is dropped: waiting for its closing tag

export class AnswerMarkupFilter {
  private readonly cards: CardRegistry;

  private state = S_TEXT;
  /** The tag being read, from its '<'. */
  private buf = '';
  private closing = false;
  private nameLen = 0;
  /** Bit set of TAG_NAMES still matching the name read so far. */
  private candidates = 0;
  private tag = -1;
  private quote = 0;

  /** S_SKIP: the closing tag to wait for (lower case, without '>'), and how much of it matched. */
  private skipClose = '';
  private skipMatched = 0;
  private skipAwaitGt = false;

  /** Output of the current push (only used when a token contains '<'). */
  private out = '';
  /** Length of everything emitted so far: the base of annotation offsets. */
  private emitted = 0;
  /** Whether the last emitted character is whitespace (true at the start: no space before [[1]]). */
  private lastWs = true;

  /** Made on the first citation (most answers have none). */
  private citationNumbers: Map<string, number> | undefined;
  private readonly citations: UrlCitation[] = [];
  private lastCitationUrl = '';
  /** Only whitespace was emitted since the last citation (so a repeat of it is "immediate"). */
  private wsOnlySinceCitation = false;

  constructor(cards: CardRegistry) {
    this.cards = cards;
  }

  /** Feed one answer token; returns the text that can be shown now. */
  push(token: string): string {
    if (this.state === S_TEXT && token.indexOf('<') === -1) {
      this.noteEmitted(token);
      return token;
    }
    this.out = '';
    this.scan(token);
    const result = this.out;
    this.out = '';
    return result;
  }

  /**
   * The answer ended. A dangling '<' or partial tag name is released as text (it never became
   * markup); a known tag that was opened but never finished is dropped (it clearly was markup).
   */
  flush(): string {
    let result = '';
    if (this.state === S_NAME && this.completeCandidate() < 0) result = this.buf;
    this.state = S_TEXT;
    this.buf = '';
    this.skipMatched = 0;
    this.skipAwaitGt = false;
    this.noteEmitted(result);
    return result;
  }

  /**
   * An inline citation of `url` at this point of the answer (mgw `render_citation`): returns the
   * `[[n]](url)` marker to show now, numbered and spaced like the tag citations (one space before
   * it unless the text already ends in one: both transports read the same), or "" when it repeats
   * the citation just made.
   */
  cite(url: string): string {
    this.out = '';
    this.citation({ url });
    const result = this.out;
    this.out = '';
    return result;
  }

  /** url_citation annotations, offsets into the text this filter emitted. */
  annotations(): UrlCitation[] {
    return this.citations.slice();
  }

  /** Length (UTF-16 code units) of all text emitted so far. */
  get emittedLength(): number {
    return this.emitted;
  }

  private scan(s: string): void {
    const n = s.length;
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S_TEXT: {
          const lt = s.indexOf('<', i);
          if (lt === -1) {
            this.write(i === 0 ? s : s.slice(i));
            return;
          }
          if (lt > i) this.write(s.slice(i, lt));
          this.state = S_NAME;
          this.buf = '<';
          this.closing = false;
          this.nameLen = 0;
          this.candidates = ALL_TAGS;
          i = lt + 1;
          break;
        }
        case S_NAME:
          i = this.readName(s, i);
          break;
        case S_ATTRS:
          i = this.readAttrs(s, i);
          break;
        default:
          i = this.readSkip(s, i);
      }
    }
  }

  private readName(s: string, start: number): number {
    const n = s.length;
    let i = start;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c === C_SLASH && this.buf.length === 1) {
        this.closing = true;
        this.buf = '</';
        i++;
        continue;
      }
      const complete = this.completeCandidate();
      if (complete >= 0 && (isWs(c) || c === C_GT || c === C_SLASH)) {
        // The name is complete and delimited: this is markup. The delimiter is read as an attribute.
        this.tag = complete;
        this.state = S_ATTRS;
        this.quote = 0;
        return i;
      }
      const lc = lowerAscii(c);
      let next = 0;
      for (let t = 0; t < TAG_NAMES.length; t++) {
        const name = TAG_NAMES[t] as string;
        if ((this.candidates & (1 << t)) !== 0 && name.length > this.nameLen && name.charCodeAt(this.nameLen) === lc) {
          next |= 1 << t;
        }
      }
      if (next === 0) {
        // Cannot be one of our tags: release what was held; the current char is read again as text
        // (it may itself be a '<').
        const held = this.buf;
        this.buf = '';
        this.state = S_TEXT;
        this.write(held);
        return i;
      }
      this.candidates = next;
      this.nameLen++;
      this.buf += s[i] as string;
      i++;
    }
    return i;
  }

  private completeCandidate(): number {
    for (let t = 0; t < TAG_NAMES.length; t++) {
      if ((this.candidates & (1 << t)) !== 0 && (TAG_NAMES[t] as string).length === this.nameLen) return t;
    }
    return -1;
  }

  private readAttrs(s: string, start: number): number {
    const n = s.length;
    for (let j = start; j < n; j++) {
      const c = s.charCodeAt(j);
      if (this.quote !== 0) {
        if (c === this.quote) this.quote = 0;
      } else if (c === C_DQUOTE || c === C_SQUOTE) {
        this.quote = c;
      } else if (c === C_GT) {
        this.buf += s.slice(start, j + 1);
        this.tagComplete();
        return j + 1;
      }
    }
    this.buf += start === 0 ? s : s.slice(start);
    if (this.buf.length > MAX_TAG_LENGTH) {
      // Not a tag after all (no '>' in sight): release the '<' and read the rest again as text.
      const rest = this.buf.slice(1);
      this.buf = '';
      this.state = S_TEXT;
      this.write('<');
      this.scan(rest);
    }
    return n;
  }

  private tagComplete(): void {
    const text = this.buf;
    this.buf = '';
    this.state = S_TEXT;
    if (this.closing) return;
    let k = text.length - 2;
    while (k > 0 && isWs(text.charCodeAt(k))) k--;
    const selfClosing = text.charCodeAt(k) === C_SLASH;
    if (this.tag === T_ARTIFACT) return;
    if (this.tag === T_RENDER) this.render(text);
    if (!selfClosing) {
      this.state = S_SKIP;
      this.skipClose = this.tag === T_CARD ? '</xai:tool_usage_card' : '</grok:render';
      this.skipMatched = 0;
      this.skipAwaitGt = false;
    }
  }

  private readSkip(s: string, start: number): number {
    const n = s.length;
    let i = start;
    while (i < n) {
      if (this.skipAwaitGt) {
        const c = s.charCodeAt(i);
        if (c === C_GT) {
          this.skipAwaitGt = false;
          this.skipMatched = 0;
          this.state = S_TEXT;
          return i + 1;
        }
        if (isWs(c)) {
          i++;
          continue;
        }
        this.skipAwaitGt = false; // `</grok:renderx`: not the closing tag; keep skipping
        this.skipMatched = 0;
        continue;
      }
      if (this.skipMatched === 0) {
        const lt = s.indexOf('<', i);
        if (lt === -1) return n;
        this.skipMatched = 1;
        i = lt + 1;
        continue;
      }
      if (lowerAscii(s.charCodeAt(i)) === this.skipClose.charCodeAt(this.skipMatched)) {
        this.skipMatched++;
        i++;
        if (this.skipMatched === this.skipClose.length) this.skipAwaitGt = true;
      } else {
        // The closing tag has a single '<' (its first char), so restarting the match is exact.
        this.skipMatched = 0;
      }
    }
    return n;
  }

  private render(tagText: string): void {
    const attrs = parseAttributes(tagText);
    const card = this.cards.get(attrs.get('card_id') ?? '');
    if (card === undefined) return;
    const type = attrs.get('type') ?? '';
    if (type === 'render_inline_citation') {
      this.citation(card);
    } else if (type === 'render_searched_image') {
      const markdown = searchedImageMarkdown(card);
      if (markdown !== undefined) this.write(markdown);
    }
    // render_generated_image: the image itself comes from the image card; unknown types: removed.
  }

  private citation(card: Record<string, unknown>): void {
    const url = stringField(card, 'url');
    if (!url) return;
    // The same source cited twice in a row (nothing but whitespace between) adds nothing.
    if (url === this.lastCitationUrl && this.wsOnlySinceCitation) return;
    const numbers = (this.citationNumbers ??= new Map());
    let n = numbers.get(url);
    if (n === undefined) {
      n = numbers.size + 1;
      numbers.set(url, n);
    }
    const marker = `[[${n}]](${escapeLinkUrl(url)})`;
    // Grok writes the tag right after the cited word; the space keeps the marker readable.
    if (!this.lastWs) this.write(' ');
    const start = this.emitted;
    this.write(marker);
    const title = stringField(card, 'title') || this.cards.titleFor(url) || url;
    this.citations.push({
      type: 'url_citation',
      url_citation: { url, title, start_index: start, end_index: start + marker.length },
    });
    this.lastCitationUrl = url;
    this.wsOnlySinceCitation = true;
  }

  private write(s: string): void {
    if (s.length === 0) return;
    this.out += s;
    this.noteEmitted(s);
  }

  private noteEmitted(s: string): void {
    const len = s.length;
    if (len === 0) return;
    this.emitted += len;
    this.lastWs = isWs(s.charCodeAt(len - 1));
    if (this.wsOnlySinceCitation) {
      for (let k = 0; k < len; k++) {
        if (!isWs(s.charCodeAt(k))) {
          this.wsOnlySinceCitation = false;
          break;
        }
      }
    }
  }
}
