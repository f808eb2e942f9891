// What the gateway expects of the imagine WebSocket's server messages (docs/grok-protocol.md
// "imagine WebSocket"): `json` status frames, `image` frames and `error` frames.
import { checkShape, type DriftFinding } from './check.js';
import { ign, opt, req, shape, type ShapeSpec } from './spec.js';

const SLOT = {
  type: req('string'),
  request_id: opt('string'),
  requestId: opt('string'),
  image_id: opt('string'),
  job_id: opt('string'),
  id: opt('string'),
  order: ign(),
  width: opt('number'),
  height: opt('number'),
};

export const IMAGINE_MESSAGES: Readonly<Record<string, ShapeSpec>> = {
  json: shape({ ...SLOT, current_status: opt('string'), moderated: opt('boolean'), r_rated: ign(), blob: opt('string'), url: opt('string') }),
  image: shape({ ...SLOT, url: opt('string'), blob: req('string'), percentage_complete: opt('number') }),
  error: shape({ type: req('string'), request_id: opt('string'), requestId: opt('string'), err_code: opt('string'), err_msg: opt('string'), message: opt('string') }),
};

export function checkImagineMessage(m: Record<string, unknown>): DriftFinding[] {
  const type = m.type;
  if (typeof type !== 'string') return [{ kind: 'missing-field', path: 'imagine message.type', type: typeof type }];
  const spec = Object.hasOwn(IMAGINE_MESSAGES, type) ? IMAGINE_MESSAGES[type] : undefined;
  if (!spec) return [{ kind: 'unknown-event', path: `imagine ${type.slice(0, 60)}`, type: 'object' }];
  return checkShape(m, spec, `imagine ${type}`);
}

/** Error frames and unknown message types are checked every time; the rest are sampled. */
export function imagineAlwaysChecked(m: Record<string, unknown>): boolean {
  const type = m.type;
  return typeof type !== 'string' || type === 'error' || !Object.hasOwn(IMAGINE_MESSAGES, type);
}
