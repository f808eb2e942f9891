// OpenAI size / aspect parameters → the aspect ratios Grok's imagine and video generators take
// (grok-protocol.md 5.2 and 7.3). Exact sizes of the reference clients map as they did; any other
// WxH goes to the nearest ratio; ratio strings pass through.
import { invalidRequest } from './errors.js';

export const ASPECTS = ['1:1', '2:3', '3:2', '9:16', '16:9'] as const;
export type Aspect = (typeof ASPECTS)[number];

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

const VIDEO_SIZES: Record<string, Aspect> = {
  '720x1280': '9:16',
  '1280x720': '16:9',
  '1024x1024': '1:1',
  '1024x1792': '9:16',
  '1792x1024': '16:9',
};

const RATIO: Record<Aspect, number> = { '1:1': 1, '2:3': 2 / 3, '3:2': 3 / 2, '9:16': 9 / 16, '16:9': 16 / 9 };

function nearest(w: number, h: number): Aspect {
  const r = Math.log(w / h);
  let best: Aspect = '1:1';
  let bestD = Infinity;
  for (const a of ASPECTS) {
    const d = Math.abs(Math.log(RATIO[a]) - r);
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

function parse(value: string, table: Record<string, Aspect>, param: string): Aspect | undefined {
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
      return (ASPECTS as readonly string[]).includes(exact) ? (exact as Aspect) : nearest(w, h);
    }
  }
  throw invalidRequest(`Invalid value for '${param}': expected WIDTHxHEIGHT (e.g. 1024x1024) or a ratio (${ASPECTS.join(', ')})`, param, 'invalid_value');
}

/** Image size → aspect ratio; default 2:3 (as the reference clients). */
export function imageAspect(size: string | undefined | null, param = 'size'): Aspect {
  return (size ? parse(size, IMAGE_SIZES, param) : undefined) ?? '2:3';
}

/** Video size or aspect → aspect ratio; default 16:9. */
export function videoAspect(size: string | undefined | null, param = 'size'): Aspect {
  return (size ? parse(size, VIDEO_SIZES, param) : undefined) ?? '16:9';
}

const VIDEO_DIMENSIONS: Record<'480p' | '720p', Record<Aspect, string>> = {
  '480p': { '16:9': '854x480', '9:16': '480x854', '1:1': '480x480', '3:2': '720x480', '2:3': '480x720' },
  '720p': { '16:9': '1280x720', '9:16': '720x1280', '1:1': '720x720', '3:2': '1080x720', '2:3': '720x1080' },
};

export function videoSize(aspect: Aspect, resolution: '480p' | '720p'): string {
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
