// The messages of the imagine WebSocket (docs/grok-protocol.md, "Imagine WebSocket"): the two
// client messages of a round (reset, then the generation request) and the readers of the server's
// frames (field access, image bytes and type, the error frame's failure kind).
import { GrokUpstreamError } from './errors.js';

/** One JSON server message. */
export type Frame = Record<string, unknown>;

/** The file name of an image URL without its extension (the slot id of last resort). */
export const URL_NAME_RE = /\/([^/?#]+?)(?:\.[A-Za-z0-9]{1,5})?(?:$|[?#])/;

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Image type from the bytes' signature (JPEG/PNG/WebP); undefined when it is not one of them. */
export function imageMime(b: Buffer): string | undefined {
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length > 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

export function decodeBlob(blob: string): Buffer {
  const comma = blob.startsWith('data:') ? blob.indexOf(',') : -1;
  return Buffer.from(comma === -1 ? blob : blob.slice(comma + 1), 'base64');
}

/** Classifies an `{"type":"error"}` frame. */
export function frameError(f: Frame): GrokUpstreamError {
  const code = str(f.err_code) ?? 'error';
  const msg = str(f.err_msg) ?? str(f.message) ?? 'imagine error';
  const lower = `${code} ${msg}`.toLowerCase();
  if (lower.includes('rate') || lower.includes('too many') || lower.includes('429')) {
    return new GrokUpstreamError({ kind: 'rate-limited', status: 429, message: `Imagine WebSocket error ${code}: ${msg}` });
  }
  return new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `Imagine WebSocket error ${code}: ${msg}` });
}

/** The first message of a round: clears what the session holds. */
export function resetMessage(): Record<string, unknown> {
  return { type: 'conversation.item.create', timestamp: Date.now(), item: { type: 'message', content: [{ type: 'reset' }] } };
}

export interface GenerationRequestFields {
  prompt: string;
  nsfw: boolean;
  aspectRatio: string;
  enablePro: boolean;
  /** Images still wanted this round (`num_generations`). */
  needed: number;
}

/** The round's generation request; frames of this round carry `requestId`. */
export function generationRequestMessage(requestId: string, r: GenerationRequestFields): Record<string, unknown> {
  return {
    type: 'conversation.item.create',
    timestamp: Date.now(),
    item: {
      type: 'message',
      content: [
        {
          requestId,
          text: r.prompt,
          type: 'input_text',
          properties: {
            section_count: 0,
            is_kids_mode: false,
            enable_nsfw: r.nsfw,
            skip_upsampler: false,
            enable_side_by_side: true,
            is_initial: false,
            aspect_ratio: r.aspectRatio,
            enable_pro: r.enablePro,
            num_generations: r.needed,
          },
        },
      ],
    },
  };
}
