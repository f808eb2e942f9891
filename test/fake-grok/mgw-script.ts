// The server frames of one mgw turn (docs/grok-protocol.md "mgw server events"), built from the same
// answer plan and directives as the REST NDJSON stream, so one test directive drives both paths:
// reasoning on CHANNEL_ANALYSIS, search as tool_usage_card + tool_result, answer text on
// CHANNEL_ASSISTANT_RESPONSE, citations as render_citation, images as card attachments, then
// response.done with a fresh response id. Faults (in-band errors, stalls, cuts, malformed frames)
// are the REST ones, with the error frames turned into mgw `error` events.
import { randomUUID } from 'node:crypto';
import { SIM_CITATION_URL, planAnswer } from './answer.js';
import { applyFaults, faultsFrom } from './faults.js';
import type { Step } from './frames.js';
import { frame } from './frames.js';
import { makeJpeg } from './media-bytes.js';
import type { ScriptContext } from './script-context.js';

export interface MgwError {
  code: number;
  message: string;
  /** Seconds until a used-up quota window refills (the simulator's rate-limit errors say it). */
  retry_after_seconds?: number;
}

/** The in-stream error a scripted HTTP status becomes on the socket (after the upgrade there is no status). */
export function errorForStatus(status: number, variant?: 'html' | 'blocked' | 'json' | 'safety'): MgwError {
  switch (status) {
    case 400: return { code: 3, message: 'invalid argument' };
    case 401: return { code: 16, message: 'unauthenticated: failed to look up session id: session not found' };
    case 402: return { code: 9, message: 'personal-team-blocked:spending-limit: You have run out of credits or need a Grok subscription' };
    case 403: return variant === 'blocked'
      ? { code: 7, message: 'blocked-user: this account has been blocked' }
      : variant === 'safety'
        ? { code: 7, message: 'Content violates usage guidelines' }
        : { code: 7, message: 'Request rejected by anti-bot rules.' };
    case 429: return { code: 8, message: 'Too many requests' };
    case 500: return { code: 13, message: 'internal error' };
    case 502: case 503: case 504: return { code: 14, message: 'unavailable' };
    default: return { code: 2, message: `simulated status ${status}` };
  }
}

export function mgwEvent(sessionId: string, event: Record<string, unknown>): Record<string, unknown> {
  return { session_id: sessionId, event };
}

export function mgwErrorEvent(sessionId: string, e: MgwError): Record<string, unknown> {
  return mgwEvent(sessionId, { type: 'error', error: { ...e } });
}

const IMAGE_PROGRESS = [0, 50, 100];

export interface MgwScriptInput {
  ctx: ScriptContext;
  sessionId: string;
  responseId: string;
  /** Status of response.done (`[sim:done-status=…]`); default completed. */
  doneStatus?: string | undefined;
  /** The token's scripted in-band rate limit (after the first content frame). */
  inBandRateLimit?: boolean | undefined;
}

export function buildMgwScript({ ctx, sessionId, responseId, doneStatus, inBandRateLimit }: MgwScriptInput): Step[] {
  const d = ctx.directives;
  const ev = (event: Record<string, unknown>): Record<string, unknown> => mgwEvent(sessionId, event);
  const chunk = (c: Record<string, unknown>): Record<string, unknown> => ev({ type: 'response.chunk', chunk: c });
  // Citations travel as render_citation chunks here, not as tags inside the text.
  const plan = planAnswer(ctx.text, { ...d, citation: false }, { imageCount: ctx.imageCount, history: ctx.history });
  const steps: Step[] = [];
  const toolCard = (): void => {
    steps.push(frame(chunk({ tool_usage_card: { tool_usage_card_id: 'tuc_1', web_search: { args: { query: plan.line } } } })));
    steps.push(frame(chunk({ tool_result: { tool_call_id: 'tuc_1', web_search: { webpages: [
      { url: 'https://example.org/search-1', title: 'Example result 1', snippet: 'First simulated search result.' },
      { url: 'https://example.org/search-2', title: 'Example result 2', snippet: 'Second simulated search result.' },
    ] } } })));
  };
  plan.thinking.forEach((t, i) => {
    steps.push(frame(chunk({ text: { text: t.text, channel: 'CHANNEL_ANALYSIS' } })));
    if (i === 0 && d.toolcard) toolCard();
  });
  if (plan.thinking.length === 0 && d.toolcard) toolCard();

  if (plan.imageMode) {
    const images = Array.from({ length: ctx.imageCount }, (_, i) => {
      const uuid = randomUUID();
      const path = `users/${ctx.userId}/generated/${uuid}/image.jpg`;
      ctx.assets.put(path, makeJpeg(0, 60 + i * 60), 'image/jpeg');
      return { uuid, path };
    });
    for (const progress of IMAGE_PROGRESS) {
      images.forEach((img, i) => {
        const card = {
          id: `img-card-${i}`, type: 'render_file', cardType: 'generated_image_card',
          image_chunk: { imageUuid: img.uuid, progress, moderated: false, ...(progress === 100 ? { imageUrl: img.path } : {}) },
        };
        steps.push(frame(ev({ type: 'response.grok.output', output: { card_attachment: { jsonData: JSON.stringify(card) } } }), true));
      });
    }
  } else {
    // Protocol drift scripted by a test: a new event type (additive), a renamed answer field (not).
    if (d.extraEvent !== undefined) steps.push(frame(ev({ type: d.extraEvent, memory: { id: 'mem_1', updated: true } })));
    const field = d.renameField ? 'content' : 'text';
    for (const t of plan.answer) steps.push(frame(chunk({ text: { [field]: t.text, channel: 'CHANNEL_ASSISTANT_RESPONSE' } }), true));
    if (d.citation) {
      // Twice in a row: a client must collapse the duplicate into one marker.
      for (let i = 0; i < 2; i++) steps.push(frame(chunk({ render_citation: { id: `cit_${i}`, kind: 'CITATION_KIND_WEB_PAGE', url: SIM_CITATION_URL, citation_id: 0 } })));
    }
  }
  if (d.noFinalFrames) steps.push(frame(ev({ type: 'session.ended' })));
  else steps.push(frame(ev({ type: 'response.done', response: { id: responseId, status: doneStatus ?? 'completed' } })));
  return toMgwFaults(applyFaults(steps, faultsFrom(d, inBandRateLimit)), sessionId);
}

/** The REST fault plan's root `{"error":…}` frames become mgw error events; empty raw lines are dropped. */
function toMgwFaults(steps: Step[], sessionId: string): Step[] {
  const out: Step[] = [];
  for (const s of steps) {
    if (s.kind === 'raw' && s.text === '') continue;
    if (s.kind === 'frame') {
      const v = s.value as { error?: { code?: number; message?: string } };
      if (v.error && !('event' in (s.value as object))) {
        out.push(frame(mgwErrorEvent(sessionId, { code: v.error.code ?? 13, message: v.error.message ?? 'error' })));
        continue;
      }
    }
    out.push(s);
  }
  return out;
}
