// One round on one imagine socket (docs/grok-protocol.md, "Imagine WebSocket"): send a reset and a
// request for the images still wanted, then collect the round's slots (start_stage → image frames →
// completed) until enough finals are in, the socket closes, or the round or idle timeout passes.
// An image frame with `percentage_complete` < 100 is a preview, 100 or absent is final.
import { randomBytes } from 'node:crypto';
import { GrokUpstreamError } from './errors.js';
import { decodeBlob, frameError, generationRequestMessage, imageMime, num, resetMessage, str, URL_NAME_RE } from './imagine-frames.js';
import type { ImagineSocket } from './imagine-socket.js';
import type { ImagineImage, ImagineRequest } from './imagine-types.js';

interface Slot {
  index: number;
  id: string;
  done: boolean;
  moderated: boolean;
  last: { bytes: Buffer; mimeType: string; url: string | undefined; final: boolean } | undefined;
  width: number | undefined;
  height: number | undefined;
  percent: number;
}

export interface RoundOutcome {
  images: ImagineImage[];
  moderated: number;
  /** The socket closed before any frame of this round came (stale socket): run the round again. */
  closedEarly: boolean;
  /** The round failed after some images were in; they are kept, no further round runs. */
  failure: GrokUpstreamError | undefined;
}

/** Runs one round asking for `needed` images; slot numbers start at `slotBase`. */
export async function runImagineRound(sock: ImagineSocket, req: ImagineRequest, needed: number, slotBase: number): Promise<RoundOutcome> {
  const requestId = `img_${randomBytes(16).toString('hex')}`;
  const framesBefore = sock.framesSeen;
  const sentReset = sock.send(resetMessage());
  const sentRequest =
    sentReset &&
    sock.send(generationRequestMessage(requestId, { prompt: req.prompt, nsfw: req.nsfw, aspectRatio: req.aspectRatio, enablePro: req.enablePro, needed }));
  if (!sentRequest) return { images: [], moderated: 0, closedEarly: true, failure: undefined };

  const slots = new Map<string, Slot>();
  const deadline = Date.now() + req.roundTimeoutMs;
  const slotFor = (id: string): Slot => {
    let s = slots.get(id);
    if (!s) {
      s = { index: slotBase + slots.size, id, done: false, moderated: false, last: undefined, width: undefined, height: undefined, percent: 0 };
      slots.set(id, s);
    }
    return s;
  };
  const finals = (): Slot[] => [...slots.values()].filter((s) => !s.moderated && s.last?.final === true);
  // Done when enough finals are in, or when enough slots completed and each usable one has its final.
  const roundDone = (): boolean => {
    if (finals().length >= needed) return true;
    const completed = [...slots.values()].filter((s) => s.done);
    return completed.length >= needed && completed.every((s) => s.moderated || s.last?.final === true);
  };
  // Only finals are images; a slot that ended on a preview yields nothing (`_bestEffort` kept for the call sites).
  const outcome = (failure: GrokUpstreamError | undefined, _bestEffort: boolean): RoundOutcome => {
    const ready = finals();
    ready.sort((a, b) => a.index - b.index);
    return {
      images: ready.map((s) => ({
        imageId: s.id,
        url: s.last?.url,
        bytes: (s.last as NonNullable<Slot['last']>).bytes,
        mimeType: (s.last as NonNullable<Slot['last']>).mimeType,
        width: s.width,
        height: s.height,
      })),
      moderated: [...slots.values()].filter((s) => s.moderated).length,
      closedEarly: false,
      failure,
    };
  };

  for (;;) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return timedOut(outcome, 'round', req.roundTimeoutMs);
    const next = await sock.next(Math.min(remaining, req.idleTimeoutMs), req.signal);
    if (next.kind === 'timeout') {
      return timedOut(outcome, Date.now() >= deadline ? 'round' : 'idle', Date.now() >= deadline ? req.roundTimeoutMs : req.idleTimeoutMs);
    }
    if (next.kind === 'closed') {
      if (sock.framesSeen === framesBefore) return { images: [], moderated: 0, closedEarly: true, failure: undefined };
      const o = outcome(undefined, true);
      if (o.images.length === 0 && o.moderated === 0) {
        return { ...o, failure: new GrokUpstreamError({ kind: 'transport', status: 502, message: `The imagine WebSocket closed (code ${next.code}) before any image was complete` }) };
      }
      return o;
    }
    const f = next.frame;
    const rid = str(f.request_id) ?? str(f.requestId);
    if (rid !== undefined && rid !== requestId) continue; // a late frame of an earlier round
    const type = str(f.type);
    if (type === 'error') {
      const err = frameError(f);
      const o = outcome(err, true);
      if (o.images.length === 0) throw err;
      return o;
    }
    if (type === 'json') {
      const id = str(f.image_id) ?? str(f.job_id) ?? str(f.id);
      if (id === undefined) continue;
      const s = slotFor(id);
      s.width ??= num(f.width);
      s.height ??= num(f.height);
      if (f.current_status === 'completed') {
        s.done = true;
        s.moderated = f.moderated === true;
        // A url/blob on the completed frame counts as the final when none came before.
        const blob = str(f.blob);
        const bytes = blob !== undefined && s.last?.final !== true ? decodeBlob(blob) : undefined;
        const mimeType = bytes ? imageMime(bytes) : undefined;
        if (!s.moderated && bytes && mimeType) s.last = { bytes, mimeType, url: str(f.url), final: true };
        if (!s.moderated && s.last?.final === true && s.percent !== 100) {
          s.percent = 100;
          req.onProgress?.({ slot: s.index, percent: 100 });
        }
      }
    } else if (type === 'image') {
      const url = str(f.url);
      const id = str(f.image_id) ?? str(f.job_id) ?? str(f.id) ?? (url ? URL_NAME_RE.exec(url)?.[1] : undefined);
      const blob = str(f.blob);
      if (id === undefined || blob === undefined) continue;
      const bytes = decodeBlob(blob);
      const mimeType = imageMime(bytes);
      if (mimeType === undefined) continue;
      const s = slotFor(id);
      s.width ??= num(f.width);
      s.height ??= num(f.height);
      // Below 100 = a preview; 100 or absent = the final image.
      const pct = num(f.percentage_complete) ?? 100;
      const final = pct >= 100;
      s.last = { bytes, mimeType, url, final };
      // A final image is the slot done (the round may end before its completed frame).
      const shown = final ? 100 : Math.max(10, Math.min(99, Math.round(pct)));
      if (shown !== s.percent) {
        s.percent = shown;
        req.onProgress?.({ slot: s.index, percent: shown });
      }
      if (!final) req.onPartial?.({ slot: s.index, imageId: id, bytes, mimeType, percent: pct });
    }
    if (roundDone()) return outcome(undefined, false);
  }
}

function timedOut(outcome: (f: GrokUpstreamError | undefined, bestEffort: boolean) => RoundOutcome, which: 'round' | 'idle', ms: number): RoundOutcome {
  const o = outcome(undefined, true);
  if (o.images.length > 0) return o;
  const setting = which === 'round' ? 'image.round_timeout' : 'image.idle_timeout';
  const what = which === 'round' ? `finished no image within ${Math.round(ms / 1000)}s` : `sent nothing for ${Math.round(ms / 1000)}s`;
  // Status 502: the retry layer tries another account (a stuck imagine session is per account).
  throw new GrokUpstreamError({ kind: 'timeout', status: 502, message: `The imagine WebSocket ${what} (${setting})` });
}
