// Server frames of the mgw chat WebSocket → the gateway's neutral events (docs/grok-protocol.md
// "mgw server events"). One parser per turn; it also tracks the session handshake
// (session.created + conversation.attached) that must complete before the turn is sent.
// Unknown event types and non-JSON frames are ignored, as the web app does.
import { classifyInBandError, GrokUpstreamError } from '../errors.js';
import type { GrokEvent, GrokImageProgressEvent, GrokSearchResultsEvent } from '../events.js';
import { MGW_EVENTS, checkMgwFrame, looksLikeHtml, redactSample, redactText, type DriftContext, type DriftMonitor } from '../drift/index.js';

type Obj = Record<string, unknown>;

/** Where the parser reports protocol drift (src/grok/drift), and what to tag the findings with. */
export interface MgwDriftProbe {
  monitor: DriftMonitor;
  context: DriftContext;
}

/** Frames of one turn kept unchecked for the answerless-turn check (references, no copies). */
const MAX_UNCHECKED = 32;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** C0 control characters or DEL (never valid in a URL or a cookie value). */
function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const MAX_CITATION_URL = 8 * 1024;

/** Absolute http(s), no user-info, lower-case host, bounded, no control characters; else undefined. */
export function normalizeCitationUrl(raw: unknown): string | undefined {
  const s = typeof raw === 'string' ? raw.trim() : '';
  if (s === '' || s.length > MAX_CITATION_URL || hasControlChars(s)) return undefined;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return undefined;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username !== '' || u.password !== '' || u.hostname === '') return undefined;
  return u.toString(); // WHATWG URL lower-cases the host
}

/** Answer text (empty / assistant channel), reasoning (analysis / reasoning channels), or neither. */
function channelKind(channel: unknown): 'answer' | 'reasoning' | undefined {
  // Nearly every chunk: no channel or the exact answer channel, decided without new strings.
  if (channel === undefined || channel === 'CHANNEL_ASSISTANT_RESPONSE') return 'answer';
  const c = typeof channel === 'string' ? channel.trim().toUpperCase() : '';
  if (c === '' || c === 'CHANNEL_ASSISTANT_RESPONSE') return 'answer';
  if (c.includes('ANALYSIS') || c.includes('REASONING')) return 'reasoning';
  return undefined;
}

function token(text: string, thinking: boolean): GrokEvent {
  return { type: 'token', text, thinking, tag: thinking ? 'summary' : 'final', rolloutId: undefined, responseId: undefined };
}

/** `web_search` → `webSearch` (the tool-card names the REST path uses). */
const TOOL_NAMES: Record<string, string> = { web_search: 'webSearch', x_search: 'xSearch' };

function errorOf(v: unknown, fallback: string): GrokUpstreamError {
  const o = obj(v);
  const inner = obj(o?.error) ?? o;
  const code = inner?.code;
  const message = str(inner?.message) ?? (typeof v === 'string' && v !== '' ? v : fallback);
  const err = classifyInBandError(code === undefined ? undefined : code, message);
  // The real error payload is not documented: if it ever says when to come back, honour it.
  const after = inner?.retry_after_seconds ?? inner?.retryAfterSeconds ?? inner?.retry_after;
  if (err.kind !== 'rate-limited' || typeof after !== 'number' || !Number.isFinite(after) || after < 0) return err;
  return new GrokUpstreamError({ kind: err.kind, status: err.status, message: err.message, bodyExcerpt: err.bodyExcerpt, retryAfterSeconds: Math.ceil(after) });
}

/** The shared empty result, frozen: callers only read event lists (most frames yield none). */
const NO_EVENTS = Object.freeze([]) as unknown as GrokEvent[];

export class MgwEventParser {
  /** The current session id (new conversation: from session.created; continuation: the stored one). */
  sessionId: string | undefined;
  conversationId: string | undefined;
  created = false;
  attached = false;
  done = false;
  responseId: string | undefined;
  /** Image index by id, made on the first image (most turns draw none). */
  private images: Map<string, number> | undefined;
  /** Answer text or an image arrived (reasoning alone is no answer). */
  private answered = false;
  private unchecked: Obj[] | undefined;

  /**
   * @param initEventId the `event_id` of our session.create (a session.created for another one is ignored)
   * @param continuing the conversation id being continued, if any
   * @param drift where to report frames that differ from docs/grok-protocol.md (sampled)
   */
  constructor(private readonly initEventId: string, continuing?: string, private readonly drift?: MgwDriftProbe) {
    if (continuing !== undefined) this.sessionId = continuing;
  }

  /** Both session.created and conversation.attached arrived: the turn may be sent. */
  get ready(): boolean {
    return this.created && this.attached;
  }

  /**
   * The events of one text frame. Throws a classified GrokUpstreamError for error events, stream
   * errors, a failed response status and a session that ended before the response was done.
   */
  parse(text: string): GrokEvent[] {
    if (this.done) return NO_EVENTS;
    let frame: Obj | undefined;
    try {
      frame = obj(JSON.parse(text));
    } catch {
      const d = this.drift;
      if (d && looksLikeHtml(text)) d.monitor.report([{ kind: 'html-body', path: 'mgw frame', type: 'html' }], d.context, () => redactText(text));
      return NO_EVENTS;
    }
    if (!frame) return NO_EVENTS;
    const ev = obj(frame.event);
    if (this.drift !== undefined) this.watch(this.drift, frame, ev);
    const events = this.events(frame, ev);
    if (!this.answered) {
      for (const e of events) if ((e.type === 'token' && !e.thinking) || e.type === 'image-progress') this.answered = true;
      // An answered turn is never checked whole: the frames kept for that can go now.
      if (this.answered) this.unchecked = undefined;
    }
    return events;
  }

  /**
   * Drift check of one frame: sampled, always for error-like frames and unknown event types; unsampled frames are kept (by
   * reference, bounded) until the answer starts, so a turn that ends without an answer can be checked whole.
   */
  private watch(d: MgwDriftProbe, frame: Obj, ev: Obj | undefined): void {
    if (ev?.type === 'response.done' && !this.answered) {
      // The turn ends with nothing to show: check everything it said, and count the empty answer.
      for (const f of this.unchecked ?? []) d.monitor.report(checkMgwFrame(f), d.context, () => redactSample(f));
      this.unchecked = undefined;
      const findings = checkMgwFrame(frame);
      const status = str(obj(ev.response)?.status)?.toLowerCase();
      if (status === undefined || status === 'completed') findings.push({ kind: 'empty-answer', path: 'mgw response.done', type: 'no-answer' });
      d.monitor.report(findings, d.context, () => redactSample(frame));
      return;
    }
    // An event type the table does not know is found on the spot (the lookup costs next to nothing).
    if (d.monitor.sample() || errorLike(frame, ev) || (ev !== undefined && typeof ev.type === 'string' && !Object.hasOwn(MGW_EVENTS, ev.type))) {
      d.monitor.report(checkMgwFrame(frame), d.context, () => redactSample(frame));
      return;
    }
    if (this.answered) return;
    const u = (this.unchecked ??= []);
    if (u.length < MAX_UNCHECKED) u.push(frame);
  }

  private events(frame: Obj, ev: Obj | undefined): GrokEvent[] {
    if (!ev) {
      // Legacy root error shape, tolerated on the socket too.
      if (frame.error !== undefined) throw errorOf(frame.error, 'unknown gateway error');
      return NO_EVENTS;
    }
    switch (ev.type) {
      case 'session.created':
        return this.onCreated(frame, ev);
      case 'conversation.attached':
        return this.onAttached(ev);
      case 'response.chunk':
        return this.onChunk(obj(ev.chunk));
      case 'response.grok.output':
        return this.onOutput(obj(ev.output));
      case 'response.output_text.delta':
        return typeof ev.delta === 'string' && ev.delta !== '' ? [token(ev.delta, false)] : [];
      case 'response.search.result':
        return this.searchResults([obj(ev.result)]);
      case 'response.done':
        return this.onDone(obj(ev.response));
      case 'error':
        throw errorOf(ev.error, 'unknown gateway error');
      case 'session.ended':
        // Grok closed the session: a server-side end, not a network failure (a proxy is not to blame).
        throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'The mgw session ended before the response completed' });
      default:
        return NO_EVENTS;
    }
  }

  private onCreated(frame: Obj, ev: Obj): GrokEvent[] {
    const answers = str(ev.client_event_id);
    if (answers !== undefined && answers !== this.initEventId) return NO_EVENTS;
    this.created = true;
    this.sessionId ??= str(frame.session_id);
    return NO_EVENTS;
  }

  private onAttached(ev: Obj): GrokEvent[] {
    const id = str(obj(ev.conversation)?.id);
    if (id === undefined) throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'mgw conversation.attached without a conversation id' });
    if (this.sessionId !== undefined && id !== this.sessionId) {
      throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: 'mgw: inconsistent conversation id (conversation.attached differs from the session)' });
    }
    this.sessionId ??= id;
    this.conversationId = id;
    this.attached = true;
    return NO_EVENTS;
  }

  private onChunk(chunk: Obj | undefined): GrokEvent[] {
    if (!chunk) return NO_EVENTS;
    const text = obj(chunk.text);
    let tok: GrokEvent | undefined;
    if (text && typeof text.text === 'string' && text.text !== '') {
      const kind = channelKind(text.channel);
      if (kind !== undefined) tok = token(text.text, kind === 'reasoning');
    }
    // Nearly every chunk is text alone: one small array, no scan of the rarer parts.
    if (chunk.tool_usage_card === undefined && chunk.tool_result === undefined && chunk.render_citation === undefined) return tok === undefined ? NO_EVENTS : [tok];
    const out: GrokEvent[] = tok === undefined ? [] : [tok];
    const card = obj(chunk.tool_usage_card);
    if (card) {
      for (const [key, name] of Object.entries(TOOL_NAMES)) {
        const tool = obj(card[key]);
        if (!tool) continue;
        const query = str(tool.query) ?? str(obj(tool.args)?.query);
        out.push({ type: 'tool-card', rolloutId: undefined, name, args: query === undefined ? {} : { query } });
      }
    }
    const result = obj(chunk.tool_result);
    if (result) {
      const pages = obj(result.web_search)?.webpages;
      if (Array.isArray(pages)) out.push(...this.searchResults(pages.map(obj)));
      const posts = obj(result.x_post)?.posts ?? obj(result.x_search)?.posts;
      if (Array.isArray(posts)) out.push(...this.searchResults(posts.map((p) => xPostSource(obj(p)))));
    }
    const cite = obj(chunk.render_citation);
    if (cite) {
      const url = normalizeCitationUrl(cite.url);
      if (url !== undefined) out.push({ type: 'citation', url });
    }
    return out;
  }

  private searchResults(items: Array<Obj | undefined>): GrokEvent[] {
    const results: GrokSearchResultsEvent['results'] = [];
    for (const it of items) {
      const url = str(it?.url);
      if (url === undefined) continue;
      results.push({ url, title: str(it?.title) ?? '', preview: str(it?.snippet) });
    }
    return results.length > 0 ? [{ type: 'search-results', results }] : NO_EVENTS;
  }

  private onOutput(output: Obj | undefined): GrokEvent[] {
    if (!output) return NO_EVENTS;
    if (output.stream_error !== undefined && output.stream_error !== null) throw errorOf(output.stream_error, 'unknown stream error');
    const cards = output.card_attachment;
    if (cards === undefined) return NO_EVENTS;
    const out: GrokEvent[] = [];
    for (const c of Array.isArray(cards) ? cards : [cards]) {
      const ev = this.imageOf(obj(c));
      if (ev) out.push(ev);
    }
    return out;
  }

  /** A card attachment's image chunk: `jsonData` as a JSON string or object, or a bare image_chunk. */
  private imageOf(card: Obj | undefined): GrokImageProgressEvent | undefined {
    if (!card) return undefined;
    let data: Obj | undefined = card;
    if (typeof card.jsonData === 'string') {
      try {
        data = obj(JSON.parse(card.jsonData));
      } catch {
        return undefined;
      }
    } else if (obj(card.jsonData)) data = obj(card.jsonData);
    const chunk = obj(data?.image_chunk) ?? obj(data?.imageChunk);
    if (!chunk) return undefined;
    const images = (this.images ??= new Map());
    const id = str(chunk.imageUuid) ?? str(chunk.image_uuid) ?? str(data?.id) ?? String(images.size);
    let index = images.get(id);
    if (index === undefined) {
      index = images.size;
      images.set(id, index);
    }
    const progress = typeof chunk.progress === 'number' ? chunk.progress : 0;
    const url = str(chunk.imageUrl) ?? str(chunk.image_url);
    return { type: 'image-progress', index, progress, url: progress >= 100 ? url : undefined, assetId: str(chunk.imageUuid), moderated: chunk.moderated === true };
  }

  private onDone(response: Obj | undefined): GrokEvent[] {
    this.done = true;
    const status = str(response?.status);
    if (status !== undefined && status.toLowerCase() !== 'completed') {
      throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `mgw response status is ${status}` });
    }
    this.responseId = str(response?.id);
    return [{ type: 'end', reason: 'done', responseId: this.responseId, conversationId: this.conversationId }];
  }
}

/** Error events, legacy root errors, stream errors and an early session end are always checked. */
function errorLike(frame: Obj, ev: Obj | undefined): boolean {
  if (!ev) return frame.error !== undefined;
  const t = ev.type;
  if (t === 'error' || t === 'session.ended') return true;
  if (t !== 'response.grok.output') return false;
  const se = obj(ev.output)?.stream_error;
  return se !== undefined && se !== null;
}

/** An X post result → a source: `https://x.com/<handle>/status/<id>`, titled "<name>: <text>". */
function xPostSource(p: Obj | undefined): Obj | undefined {
  const handle = str(p?.userhandle) ?? str(p?.username);
  const id = str(p?.post_id) ?? str(p?.postId);
  if (handle === undefined || id === undefined) return undefined;
  const text = str(p?.text) ?? '';
  const name = str(p?.name);
  return { url: `https://x.com/${handle}/status/${id}`, title: name !== undefined && text !== '' ? `${name}: ${text}` : text };
}
