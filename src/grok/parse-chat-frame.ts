// One decoded NDJSON line of the chat stream → typed events (docs/grok-protocol.md §21.4).
// Hot path: plain typeof checks, no zod, no regexes. Stateful only for the card image index.
import { classifyInBandError } from './errors.js';
import type {
  GrokEvent,
  GrokImageProgressEvent,
  GrokSearchResultsEvent,
  GrokVideoProgressEvent,
} from './events.js';

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A non-empty string, else undefined. */
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** A finite number (numeric strings accepted), else undefined. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length > 0) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function stringList(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const item of v) if (typeof item === 'string' && item.length > 0) out.push(item);
  return out;
}

const IMAGE_URL_KEYS = new Set(['generatedImageUrls', 'imageUrls', 'imageURLs']);
const MAX_WALK_DEPTH = 8;

/** Image paths from any `generatedImageUrls` / `imageUrls` / `imageURLs` key under `node`, deduplicated, in order. */
function collectImageUrls(node: unknown, seen: Set<string>, out: string[], depth: number): void {
  if (depth > MAX_WALK_DEPTH || typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    for (const item of node) collectImageUrls(item, seen, out, depth + 1);
    return;
  }
  for (const key in node) {
    const value = (node as JsonObject)[key];
    if (IMAGE_URL_KEYS.has(key)) {
      if (typeof value === 'string') {
        if (value.length > 0 && !seen.has(value)) {
          seen.add(value);
          out.push(value);
        }
        continue;
      }
      if (Array.isArray(value)) {
        let nested = false;
        for (const item of value) {
          if (typeof item === 'string') {
            if (item.length > 0 && !seen.has(item)) {
              seen.add(item);
              out.push(item);
            }
          } else if (typeof item === 'object' && item !== null) nested = true;
        }
        if (!nested) continue;
      }
    }
    if (typeof value === 'object' && value !== null) collectImageUrls(value, seen, out, depth + 1);
  }
}

function errorText(v: unknown): string | undefined {
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (isObject(v)) return str(v.message) ?? str(v.error) ?? JSON.stringify(v);
  return undefined;
}

function searchResults(v: unknown): GrokSearchResultsEvent['results'] {
  const results: GrokSearchResultsEvent['results'] = [];
  if (!isObject(v) || !Array.isArray(v.results)) return results;
  for (const item of v.results) {
    if (!isObject(item)) continue;
    const url = str(item.url);
    if (url === undefined) continue;
    results.push({ url, title: typeof item.title === 'string' ? item.title : '', preview: str(item.preview) });
  }
  return results;
}

function xSearchResults(v: unknown): GrokSearchResultsEvent['results'] {
  const results: GrokSearchResultsEvent['results'] = [];
  if (!isObject(v) || !Array.isArray(v.results)) return results;
  for (const item of v.results) {
    if (!isObject(item)) continue;
    const username = str(item.username);
    const postId = typeof item.postId === 'number' ? String(item.postId) : str(item.postId);
    if (username === undefined || postId === undefined) continue;
    results.push({ url: `https://x.com/${username}/status/${postId}`, title: `@${username}`, preview: str(item.text) });
  }
  return results;
}

function videoProgress(v: JsonObject): GrokVideoProgressEvent {
  return {
    type: 'video-progress',
    progress: num(v.progress) ?? 0,
    videoId: str(v.videoId),
    videoPostId: str(v.videoPostId),
    videoUrl: str(v.videoUrl),
    thumbnailUrl: str(v.thumbnailImageUrl),
    assetId: str(v.assetId),
    moderated: v.moderated === true,
  };
}

/**
 * Turns decoded frames into events. One instance per stream: card image chunks are numbered by
 * the order in which their `imageUuid`s first appear.
 */
export class ChatFrameParser {
  private readonly imageIndexByKey = new Map<string, number>();

  /**
   * Appends the events of one decoded line to `out`, in the order meta, card, tool-card,
   * search-results, token, image/video progress, model-response, end.
   * Returns true when an end event was appended. Throws the classified error of an in-band
   * `{"error":{...}}` line.
   */
  frame(value: unknown, out: GrokEvent[]): boolean {
    if (!isObject(value)) return false;
    const result = value.result;
    if (!isObject(result)) {
      const err = value.error;
      if (err !== undefined && err !== null) throw inBandError(err);
      return false;
    }
    const r = result.response;
    if (!isObject(r)) return false;

    // meta
    let model: string | undefined;
    let modelHash: string | undefined;
    const userResponse = r.userResponse;
    if (isObject(userResponse)) model = str(userResponse.model);
    const llmInfo = r.llmInfo;
    if (isObject(llmInfo)) modelHash = str(llmInfo.modelHash);
    const modelResponse = r.modelResponse;
    if (modelHash === undefined && isObject(modelResponse)) {
      const metadata = modelResponse.metadata;
      if (isObject(metadata)) {
        const info = metadata.llm_info;
        if (isObject(info)) modelHash = str(info.modelHash);
      }
    }
    if (model !== undefined || modelHash !== undefined) out.push({ type: 'meta', model, modelHash });

    // card (+ image chunk, emitted with the progress events below)
    let cardImage: GrokImageProgressEvent | undefined;
    const attachment = r.cardAttachment;
    if (isObject(attachment)) {
      const card = parseCard(attachment.jsonData);
      if (card !== undefined) {
        const id = typeof card.id === 'number' ? String(card.id) : typeof card.id === 'string' ? card.id : '';
        out.push({ type: 'card', id, card });
        const chunk = card.image_chunk;
        if (isObject(chunk)) cardImage = this.cardImageProgress(chunk, id);
      }
    }

    // tool-card
    const toolCard = r.toolUsageCard;
    if (isObject(toolCard)) {
      for (const key in toolCard) {
        if (key === 'toolUsageCardId') continue;
        const tool = toolCard[key];
        if (!isObject(tool)) continue;
        out.push({
          type: 'tool-card',
          rolloutId: str(r.rolloutId),
          name: key,
          args: isObject(tool.args) ? tool.args : {},
        });
        break;
      }
    }

    // search-results
    if (r.webSearchResults !== undefined) {
      const results = searchResults(r.webSearchResults);
      if (results.length > 0) out.push({ type: 'search-results', results });
    }
    if (r.xSearchResults !== undefined) {
      const results = xSearchResults(r.xSearchResults);
      if (results.length > 0) out.push({ type: 'search-results', results });
    }

    // token
    const token = r.token;
    if (typeof token === 'string' && token.length > 0) {
      out.push({
        type: 'token',
        text: token,
        thinking: r.isThinking === true,
        tag: str(r.messageTag),
        rolloutId: str(r.rolloutId),
        responseId: str(r.responseId),
      });
    }

    // image / video progress
    const legacyImage = r.streamingImageGenerationResponse;
    if (isObject(legacyImage)) {
      out.push({
        type: 'image-progress',
        index: num(legacyImage.imageIndex) ?? 0,
        progress: num(legacyImage.progress) ?? 0,
        url: str(legacyImage.imageUrl),
        assetId: str(legacyImage.assetId),
        moderated: legacyImage.moderated === true,
      });
    }
    if (cardImage !== undefined) out.push(cardImage);
    const video = r.streamingVideoGenerationResponse;
    if (isObject(video)) out.push(videoProgress(video));

    // model-response
    if (isObject(modelResponse)) {
      const generatedImageUrls: string[] = [];
      collectImageUrls(modelResponse, new Set(), generatedImageUrls, 0);
      out.push({
        type: 'model-response',
        message: typeof modelResponse.message === 'string' ? modelResponse.message : '',
        responseId: str(modelResponse.responseId),
        generatedImageUrls,
        fileAttachments: stringList(modelResponse.fileAttachments),
        error: errorText(modelResponse.error),
      });
    }

    // end
    if (r.isSoftStop === true) {
      out.push({ type: 'end', reason: 'soft-stop' });
      return true;
    }
    if (r.finalMetadata !== undefined && r.finalMetadata !== null) {
      out.push({ type: 'end', reason: 'final-metadata' });
      return true;
    }
    return false;
  }

  private cardImageProgress(chunk: JsonObject, cardId: string): GrokImageProgressEvent {
    const key = str(chunk.imageUuid) ?? (cardId.length > 0 ? `card:${cardId}` : undefined);
    let index: number;
    if (key === undefined) {
      index = this.imageIndexByKey.size;
      this.imageIndexByKey.set(`anonymous:${index}`, index);
    } else {
      const known = this.imageIndexByKey.get(key);
      if (known === undefined) {
        index = this.imageIndexByKey.size;
        this.imageIndexByKey.set(key, index);
      } else index = known;
    }
    return {
      type: 'image-progress',
      index,
      progress: num(chunk.progress) ?? 0,
      url: str(chunk.imageUrl),
      assetId: str(chunk.assetId),
      moderated: chunk.moderated === true,
    };
  }
}

/** `cardAttachment.jsonData` is a JSON string (parsed again); an object is tolerated; anything else is ignored. */
function parseCard(jsonData: unknown): JsonObject | undefined {
  if (typeof jsonData === 'string') {
    try {
      const parsed: unknown = JSON.parse(jsonData);
      return isObject(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return isObject(jsonData) ? jsonData : undefined;
}

function inBandError(err: unknown): Error {
  if (isObject(err)) {
    const message = str(err.message) ?? str(err.error) ?? (typeof err.status === 'string' ? err.status : '');
    return classifyInBandError(err.code, message || 'unknown upstream error');
  }
  return classifyInBandError(undefined, typeof err === 'string' && err.length > 0 ? err : 'unknown upstream error');
}
