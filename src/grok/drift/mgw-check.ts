// One mgw server frame against MGW_ENVELOPE / MGW_EVENTS: unknown event types, field drift inside
// a known event, and error codes the classifier has no rule for.
import { checkShape, type DriftFinding } from './check.js';
import { KNOWN_ERROR_CODES, MGW_ENVELOPE, MGW_EVENTS } from './mgw-spec.js';
import { jsonType } from './spec.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function checkMgwFrame(frame: Obj): DriftFinding[] {
  const out = checkShape(frame, MGW_ENVELOPE, 'mgw');
  const ev = obj(frame.event);
  if (ev) {
    const type = ev.type;
    if (typeof type !== 'string') out.push({ kind: 'missing-field', path: 'mgw event.type', type: jsonType(type) });
    else {
      const spec = Object.hasOwn(MGW_EVENTS, type) ? MGW_EVENTS[type] : undefined;
      // The type is the signature's path: a bounded label only because the registry is bounded.
      if (!spec) out.push({ kind: 'unknown-event', path: `mgw ${type.slice(0, 60)}`, type: 'object' });
      else checkShape(ev, spec, `mgw ${type}`, out);
      if (type === 'error') errorCode(ev.error, 'mgw error.error.code', out);
      if (type === 'response.grok.output') errorCode(obj(ev.output)?.stream_error, 'mgw response.grok.output.output.stream_error.code', out);
    }
  } else if (frame.error !== undefined) errorCode(frame.error, 'mgw error.code', out);
  return out;
}

function errorCode(body: unknown, path: string, out: DriftFinding[]): void {
  const o = obj(body);
  const inner = obj(o?.error) ?? o;
  const code = inner?.code;
  if (code === undefined || code === null) return;
  const text = String(code).slice(0, 40);
  if (!KNOWN_ERROR_CODES.has(text.toUpperCase())) out.push({ kind: 'unknown-error-code', path, type: text });
}
