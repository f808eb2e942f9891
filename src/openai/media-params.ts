// OpenAI size / aspect parameters → the aspect ratios Grok's imagine and video generators take
// (docs/grok-protocol.md §8.2 and §9). Exact sizes of the reference clients map as they did; any other
// WxH goes to the nearest ratio; ratio strings pass through.
import { invalidRequest } from './errors.js';

export const ASPECTS = ['1:1', '2:3', '3:2', '9:16', '16:9'] as const;
export type Aspect = (typeof ASPECTS)[number];
/** Videos take 4:3 and 3:4 too (docs/grok-protocol.md, "Video"). */
export const VIDEO_ASPECT_LIST = [...ASPECTS, '4:3', '3:4'] as const;
export type VideoAspect = (typeof VIDEO_ASPECT_LIST)[number];

const IMAGE_SIZES: Record<string, Aspect> = {
  '256x256': '1:1',
  '512x512': '1:1',
  '1024x1024': '1:1',
  '1024x576': '16:9',
  '1280x720': '16:9',
  '1536x864': '16:9',
  '576x1024': '9:16',
  '720x1280': '9:16',
  '864x1536': '9:16',
  '1024x1536': '2:3',
  '512x768': '2:3',
  '768x1024': '2:3',
  '1024x1792': '2:3',
  '1536x1024': '3:2',
  '768x512': '3:2',
  '1024x768': '3:2',
  '1792x1024': '3:2',
};

const VIDEO_SIZES: Record<string, VideoAspect> = {
  '720x1280': '9:16',
  '1280x720': '16:9',
  '1024x1024': '1:1',
  '1024x1792': '9:16',
  '1792x1024': '16:9',
  '640x480': '4:3',
  '480x640': '3:4',
  '960x720': '4:3',
  '720x960': '3:4',
};

const RATIO: Record<VideoAspect, number> = { '1:1': 1, '2:3': 2 / 3, '3:2': 3 / 2, '9:16': 9 / 16, '16:9': 16 / 9, '4:3': 4 / 3, '3:4': 3 / 4 };

function nearest<A extends VideoAspect>(w: number, h: number, allowed: readonly A[]): A {
  const r = Math.log(w / h);
  let best = allowed[0] as A;
  let bestD = Infinity;
  for (const a of allowed) {
    const d = Math.abs(Math.log(RATIO[a]) - r);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

function parse<A extends VideoAspect>(value: string, table: Record<string, A>, param: string, allowed: readonly A[]): A | undefined {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'auto') return undefined;
  const known = table[v];
  if (known) return known;
  const wh = /^(\d{1,5})\s*[x×*]\s*(\d{1,5})$/.exec(v);
  const ratio = /^(\d{1,3})\s*:\s*(\d{1,3})$/.exec(v);
  const m = wh ?? ratio;
  if (m) {
    const w = Number(m[1]);
    const h = Number(m[2]);
    if (w > 0 && h > 0) {
      const exact = `${w}:${h}`;
      return (allowed as readonly string[]).includes(exact) ? (exact as A) : nearest(w, h, allowed);
    }
  }
  throw invalidRequest(`Invalid value for '${param}': expected WIDTHxHEIGHT (e.g. 1024x1024) or a ratio (${allowed.join(', ')})`, param, 'invalid_value');
}

/** Image size → aspect ratio; default 2:3 (as the reference clients). */
export function imageAspect(size: string | undefined | null, param = 'size'): Aspect {
  return (size ? parse(size, IMAGE_SIZES, param, ASPECTS) : undefined) ?? '2:3';
}

/** Video size or aspect → aspect ratio (also 4:3 and 3:4); default 16:9. */
export function videoAspect(size: string | undefined | null, param = 'size'): VideoAspect {
  return (size ? parse(size, VIDEO_SIZES, param, VIDEO_ASPECT_LIST) : undefined) ?? '16:9';
}

const VIDEO_DIMENSIONS: Record<'480p' | '720p', Record<VideoAspect, string>> = {
  '480p': { '16:9': '854x480', '9:16': '480x854', '1:1': '480x480', '3:2': '720x480', '2:3': '480x720', '4:3': '640x480', '3:4': '480x640' },
  '720p': { '16:9': '1280x720', '9:16': '720x1280', '1:1': '720x720', '3:2': '1080x720', '2:3': '720x1080', '4:3': '960x720', '3:4': '720x960' },
};

export function videoSize(aspect: VideoAspect, resolution: '480p' | '720p'): string {
  return VIDEO_DIMENSIONS[resolution][aspect];
}

/**
 * The resolution a video `size` names: the short side ≤ 480 → 480p, else 720p; undefined for a
 * ratio or nothing (the caller's default applies).
 */
export function videoResolutionForSize(size: string | undefined | null): '480p' | '720p' | undefined {
  const m = size ? /^\s*(\d{1,5})\s*[x×*]\s*(\d{1,5})\s*$/.exec(size) : null;
  if (!m) return undefined;
  return Math.min(Number(m[1]), Number(m[2])) <= 480 ? '480p' : '720p';
}
