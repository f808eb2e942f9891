// Recognises media bytes by their signature (never by what a server claims), and rejects what is
// obviously not media: an HTML error page or a JSON error body saved as "image.jpg".

export type MediaKind = 'image' | 'video';

export interface SniffedMedia {
  mimeType: string;
  /** File extension without the dot (jpg, png, webp, gif, mp4, webm, mov). */
  ext: string;
}

const EXT_BY_MIME: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
};

export const MIME_BY_EXT: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
};

function startsWith(b: Buffer, sig: readonly number[], offset = 0): boolean {
  if (b.length < offset + sig.length) return false;
  for (let i = 0; i < sig.length; i++) if (b[offset + i] !== sig[i]) return false;
  return true;
}

/** The image type of `bytes` from its signature: JPEG, PNG, WebP or GIF; undefined otherwise. */
export function sniffImage(bytes: Buffer): SniffedMedia | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mimeType: 'image/jpeg', ext: 'jpg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { mimeType: 'image/png', ext: 'png' };
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return { mimeType: 'image/webp', ext: 'webp' };
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return { mimeType: 'image/gif', ext: 'gif' };
  return undefined;
}

/** The video type of `bytes`: ISO-BMFF (`ftyp` box: mp4, or mov for `qt  `) or WebM/Matroska. */
export function sniffVideo(bytes: Buffer): SniffedMedia | undefined {
  if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) {
    const brand = bytes.subarray(8, 12).toString('latin1');
    return brand === 'qt  ' ? { mimeType: 'video/quicktime', ext: 'mov' } : { mimeType: 'video/mp4', ext: 'mp4' };
  }
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return { mimeType: 'video/webm', ext: 'webm' };
  return undefined;
}

/** Extension for a declared content type (parameters ignored); undefined when unknown. */
export function extForMime(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const base = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return EXT_BY_MIME[base];
}

export class InvalidMediaError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMediaError';
  }
}

/**
 * Checks downloaded bytes (docs/grok-protocol.md §10): non-empty, not an HTML/JSON body; images must carry
 * a JPEG/PNG/WebP/GIF signature. Videos of an unknown container are accepted as the declared type
 * (or mp4). Returns the type to store and serve them as; throws InvalidMediaError otherwise.
 */
export function validateMedia(bytes: Buffer, kind: MediaKind, declaredType?: string): SniffedMedia {
  if (bytes.length === 0) throw new InvalidMediaError(`the downloaded ${kind} is empty`);
  let i = 0;
  while (i < bytes.length && i < 64 && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  const first = bytes[i];
  if (first === 0x3c /* < */ || first === 0x7b /* { */) {
    throw new InvalidMediaError(`the downloaded ${kind} is an HTML or JSON document, not media`);
  }
  if (kind === 'image') {
    const img = sniffImage(bytes);
    if (!img) throw new InvalidMediaError('the downloaded image is not a JPEG, PNG, WebP or GIF file');
    return img;
  }
  const video = sniffVideo(bytes);
  if (video) return video;
  const ext = extForMime(declaredType);
  if (ext && declaredType?.startsWith('video/')) return { mimeType: MIME_BY_EXT[ext] ?? 'video/mp4', ext };
  return { mimeType: 'video/mp4', ext: 'mp4' };
}
