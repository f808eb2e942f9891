// Turns Grok's thinking events into readable reasoning text (docs/grok-protocol.md §21.5.2).
//
// Grok sends reasoning in two styles and this formatter must read well for both:
// - summary lines, one per token ("- Searching the web for ...", tagged `header`/`summary`), often
//   repeated verbatim when several agents (rolloutIds) or steps report the same thing;
// - raw fragments of a longer text ("The user", " asks about", ...).
// So the formatter works on lines, streaming: fragments are passed on as they arrive; a line's
// start is held back only as long as it could still be a repeat of a line already shown for the same
// rollout (looked up by its first HOLD_KEY chars, so the check is O(1) per token, not a scan).
//
// Rules (as A): a leading "- " bullet is stripped (the lines are shown without list context); an exact
// repeat of an earlier line of the same rollout is dropped; a change of rolloutId inserts a line
// "[<rolloutId>]"; tool cards become one-liners ("🔍 web_search: <query>"); search results become short
// "- [title](url)" lines. Where a token ends a unit without a newline (a `header` token, a new "- "
// bullet, a tool card) a line break is inserted.

/** How many leading chars of a line index it for duplicate lookups. */
const HOLD_KEY = 8;
const MAX_ARG_LENGTH = 160;
const DEFAULT_MAX_SEARCH_RESULTS = 5;

/** snake_case tool name → emoji and the argument keys worth showing, first present wins. */
const TOOL_FORMATS: Record<string, readonly [string, readonly string[]]> = {
  web_search: ['🔍', ['query', 'q']],
  x_search: ['🔍', ['query']],
  x_keyword_search: ['🔍', ['query']],
  x_semantic_search: ['🔍', ['query']],
  browse_page: ['🌐', ['url']],
  search_images: ['🖼️', ['image_description', 'imageDescription', 'query']],
  image_search: ['🖼️', ['image_description', 'imageDescription', 'query']],
  chatroom_send: ['📋', ['message']],
  code_execution: ['💻', []],
};
const GENERIC_ARG_KEYS = ['query', 'q', 'url', 'message', 'image_description', 'imageDescription', 'prompt'];

/** `webSearch` → `web_search`, `xKeywordSearch` → `x_keyword_search`. */
export function toSnakeCase(name: string): string {
  let out = '';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      if (i > 0 && name.charCodeAt(i - 1) !== 95) out += '_';
      out += String.fromCharCode(c + 32);
    } else {
      out += name[i] as string;
    }
  }
  return out;
}

function oneLine(value: string): string {
  const s = value.replace(/\s+/g, ' ').trim();
  return s.length > MAX_ARG_LENGTH ? `${s.slice(0, MAX_ARG_LENGTH - 1)}…` : s;
}

function linkText(text: string): string {
  return oneLine(text).replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]');
}

function linkUrl(url: string): string {
  return url.replace(/ /g, '%20').replace(/\)/g, '%29');
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

export interface ReasoningFormatterOptions {
  /** New search results listed per search-results event (the rest are not shown). */
  maxSearchResults?: number;
}

export class ReasoningFormatter {
  private readonly maxSearchResults: number;

  /** The current line (bullet already stripped), shown or still held. */
  private line = '';
  /** The current line has not been shown yet. */
  private holding = true;
  private bulletChecked = false;
  /** After an inserted line break: leading whitespace of the next text is dropped. */
  private trimLeading = false;
  private rollout = '';
  private prevTag: string | undefined;
  private started = false;
  /** Newlines at the end of the output so far. */
  private nlRun = 0;
  private out = '';

  private readonly seen = new Set<string>();
  private readonly byPrefix = new Map<string, string[]>();
  /** Made on first search result (most answers have none). */
  private searchUrls: Set<string> | undefined;

  constructor(opts: ReasoningFormatterOptions = {}) {
    this.maxSearchResults = opts.maxSearchResults ?? DEFAULT_MAX_SEARCH_RESULTS;
  }

  /** A thinking token. Returns the reasoning text to show now (may be ''). */
  thinking(text: string, tag: string | undefined, rolloutId: string | undefined): string {
    this.switchRollout(rolloutId);
    // A `header` token is a unit of its own: break before it and after the last header token.
    if (tag !== this.prevTag && (tag === 'header' || this.prevTag === 'header')) this.breakLine();
    this.prevTag = tag;
    // A new "- " bullet mid-line starts a new unit (summary lines often arrive without a "\n").
    if (text.charCodeAt(0) === 45 && text.charCodeAt(1) === 32) this.breakLine();
    this.append(text);
    return this.take();
  }

  /** A tool usage card (camelCase name, its args) → one line. */
  toolCard(name: string, args: Record<string, unknown>, rolloutId: string | undefined): string {
    const tool = toSnakeCase(name);
    if (!tool) return '';
    this.breakLine();
    // As A: the agent is named on the line itself rather than with a "[agent]" header line.
    if (rolloutId) this.rollout = rolloutId;
    const format = TOOL_FORMATS[tool];
    const emoji = format?.[0] ?? '🔧';
    const keys = format?.[1] ?? GENERIC_ARG_KEYS;
    let arg = '';
    for (const key of keys) {
      const v = args[key];
      if ((typeof v === 'string' && v.trim()) || typeof v === 'number') {
        arg = oneLine(String(v));
        break;
      }
    }
    const prefix = rolloutId ? `[${rolloutId}] ` : '';
    this.unitLine(`${prefix}${emoji} ${tool}${arg ? `: ${arg}` : ''}`);
    return this.take();
  }

  /** Search results → up to `maxSearchResults` new "- [title](url)" lines (each URL shown once). */
  searchResults(results: ReadonlyArray<{ url: string; title: string }>): string {
    let shown = 0;
    for (const r of results) {
      if (!r.url) continue;
      const urls = (this.searchUrls ??= new Set());
      if (urls.has(r.url)) continue;
      urls.add(r.url);
      if (shown >= this.maxSearchResults) continue;
      shown++;
      this.breakLine();
      this.unitLine(`- [${linkText(r.title || r.url) || r.url}](${linkUrl(r.url)})`);
    }
    return this.take();
  }

  /** Thinking ended: release a held line (without adding a line break). */
  flush(): string {
    if (this.holding && this.line !== '' && !this.seen.has(this.key(this.line))) {
      this.emit(this.line);
      this.record(this.line);
    } else if (!this.holding) {
      this.record(this.line);
    }
    this.resetLine();
    this.trimLeading = true;
    return this.take();
  }

  private switchRollout(rolloutId: string | undefined): void {
    if (!rolloutId || rolloutId === this.rollout) return;
    this.breakLine();
    this.rollout = rolloutId;
    if (this.started && this.nlRun < 2) this.emit('\n');
    this.emit(`[${rolloutId}]`);
    this.emit('\n');
  }

  private append(text: string): void {
    let i = 0;
    for (;;) {
      const nl = text.indexOf('\n', i);
      const piece = nl === -1 ? (i === 0 ? text : text.slice(i)) : text.slice(i, nl);
      if (piece !== '') this.addToLine(piece);
      if (nl === -1) return;
      this.endLine(false);
      i = nl + 1;
    }
  }

  private addToLine(input: string): void {
    let piece = input;
    if (this.trimLeading) {
      let k = 0;
      while (k < piece.length && isBlank(piece.charCodeAt(k))) k++;
      if (k === piece.length) return;
      piece = k === 0 ? piece : piece.slice(k);
      this.trimLeading = false;
    }
    if (!this.holding) {
      this.emit(piece);
      this.line += piece;
      return;
    }
    this.line += piece;
    if (!this.bulletChecked) {
      if (this.line === '-') return; // might become "- "
      this.bulletChecked = true;
      if (this.line.charCodeAt(0) === 45 && this.line.charCodeAt(1) === 32) this.line = this.line.slice(2);
    }
    if (this.line === '' || this.mayRepeat()) return;
    this.holding = false;
    this.emit(this.line);
  }

  /** Could the held line still turn out to be a repeat of an earlier line of this rollout? */
  private mayRepeat(): boolean {
    if (this.seen.size === 0) return false;
    if (this.line.length < HOLD_KEY) return true;
    const candidates = this.byPrefix.get(this.key(this.line.slice(0, HOLD_KEY)));
    if (candidates === undefined) return false;
    for (const c of candidates) if (c.startsWith(this.line)) return true;
    return false;
  }

  private endLine(inserted: boolean): void {
    const line = this.line;
    if (this.holding) {
      if (line === '' && !this.bulletChecked) {
        // An empty line: keep one blank line between paragraphs, never more, never at the start.
        if (!inserted && !this.trimLeading && this.started && this.nlRun < 2) this.emit('\n');
        this.resetLine();
        return;
      }
      if (line === '' || this.seen.has(this.key(line))) {
        this.resetLine(); // a bare "- ", or a repeated line: dropped with its line break
        return;
      }
      this.emit(line);
    }
    this.record(line);
    this.emit('\n');
    this.resetLine();
  }

  /** End the current line if anything is on it (a unit boundary without a "\n" from Grok). */
  private breakLine(): void {
    if (this.line !== '' || !this.holding || this.bulletChecked) this.endLine(true);
    this.trimLeading = true;
  }

  /** A whole line of our own (tool card, search result): deduplicated like the others. */
  private unitLine(text: string): void {
    const key = this.key(text);
    if (this.seen.has(key)) return;
    this.record(text);
    this.emit(text);
    this.emit('\n');
    this.trimLeading = true;
  }

  private record(line: string): void {
    if (line === '') return;
    this.seen.add(this.key(line));
    if (line.length >= HOLD_KEY) {
      const pk = this.key(line.slice(0, HOLD_KEY));
      const list = this.byPrefix.get(pk);
      if (list === undefined) this.byPrefix.set(pk, [line]);
      else list.push(line);
    }
  }

  private key(line: string): string {
    return `${this.rollout}\u0000${line}`;
  }

  private resetLine(): void {
    this.line = '';
    this.holding = true;
    this.bulletChecked = false;
  }

  private emit(s: string): void {
    this.out += s;
    this.started = true;
    this.nlRun = s === '\n' ? this.nlRun + 1 : 0;
  }

  private take(): string {
    const s = this.out;
    this.out = '';
    return s;
  }
}
