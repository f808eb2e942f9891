// What a caller of the imagine client gives and gets back (docs/grok-protocol.md, "Imagine WebSocket").
import type { GrokRoute } from './chat-client.js';

export interface ImagineRequest {
  prompt: string;
  /** 1:1, 2:3, 3:2, 9:16 or 16:9. */
  aspectRatio: string;
  /** The product: false for grok-imagine-image, true for the 2.0 / pro model. */
  enablePro: boolean;
  /** Images wanted (1-10): sent as num_generations. */
  n: number;
  /** `enable_nsfw` (image.nsfw). */
  nsfw: boolean;
  roundTimeoutMs: number;
  idleTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The retry attempt's egress; its transport's tunnel and headers are used for every handshake. */
  route?: GrokRoute | undefined;
  /** A preview (non-final) image of a slot arrived. */
  onPartial?: ((p: ImaginePartial) => void) | undefined;
  /** A slot's progress changed (0-100). `slot` counts across rounds. */
  onProgress?: ((p: { slot: number; percent: number }) => void) | undefined;
}

export interface ImaginePartial {
  slot: number;
  imageId: string;
  bytes: Buffer;
  mimeType: string;
  percent: number;
}

export interface ImagineImage {
  imageId: string;
  /** Where Grok serves it (absolute), when the frame said. */
  url: string | undefined;
  bytes: Buffer;
  mimeType: string;
  width: number | undefined;
  height: number | undefined;
}

export interface ImagineResult {
  images: ImagineImage[];
  /** Slots that completed with moderated: true. */
  moderated: number;
  rounds: number;
}
