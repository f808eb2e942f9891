// Inserts the scripted faults into a stream. Faults are keyed on "content" frames (answer
// tokens, image/video progress) so they hit mid-answer, after the gateway has committed to
// streaming: that is where retries are no longer allowed and error handling is hardest.

import type { SimDirectives } from './directives.js';
import type { Step } from './frames.js';
import { errorFrame, frame } from './frames.js';

export interface FaultPlan {
  /** In-band error after the first content frame, then the stream ends cleanly. */
  inbandError?: 'rate' | 'other' | undefined;
  stallMs?: number | undefined;
  cut?: boolean | undefined;
  malformed?: boolean | undefined;
}

export function faultsFrom(d: SimDirectives, inBandRateLimit: boolean | undefined): FaultPlan {
  return {
    inbandError: inBandRateLimit ? 'rate' : d.inbandError,
    stallMs: d.stallMs,
    cut: d.cut,
    malformed: d.malformed,
  };
}

export function applyFaults(steps: Step[], f: FaultPlan): Step[] {
  const out: Step[] = [];
  const totalContent = steps.filter((s) => s.kind === 'frame' && s.content).length;
  // `cut` hits after the 2nd content frame, or the last one when there are fewer.
  const cutAt = Math.min(2, totalContent);
  if (f.cut && cutAt === 0) return [...steps.slice(0, 2), { kind: 'cut' }];
  let content = 0;
  let framesSeen = 0;
  for (const step of steps) {
    out.push(step);
    if (step.kind !== 'frame') continue;
    framesSeen++;
    // A broken JSON line early (after the 2nd frame, before any answer) ...
    if (f.malformed && framesSeen === 2) out.push({ kind: 'raw', text: '{"result":{"response":' }, { kind: 'raw', text: '' });
    if (!step.content) continue;
    content++;
    if (content === 1) {
      // ... and a non-JSON line in the middle of the answer.
      if (f.malformed) out.push({ kind: 'raw', text: 'garbage' });
      if (f.inbandError === 'rate') return [...out, frame(errorFrame(8, 'Too many requests'))];
      if (f.inbandError === 'other') return [...out, frame(errorFrame(13, 'internal error'))];
      if (f.stallMs !== undefined) out.push({ kind: 'pause', ms: f.stallMs });
    }
    if (content === cutAt && f.cut) return [...out, { kind: 'cut' }];
  }
  return out;
}
