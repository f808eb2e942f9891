// What the gateway expects of the uploads v2 answer (docs/grok-protocol.md "uploads v2"):
// `{"uploadId", "fileMetadata": {"fileMetadataId", "fileId"?, "fileUri"}, "terminalError"}`.
// File metadata naturally gains descriptive keys, so its shape is open; the envelope is not.
import { checkShape, looksLikeHtml, type DriftFinding } from './check.js';
import { ign, opt, shape, type ShapeSpec } from './spec.js';

export const UPLOAD_V2_ANSWER: ShapeSpec = shape({
  uploadId: opt('string'),
  fileMetadata: opt(['object', 'null'], shape({ fileMetadataId: opt('string'), fileId: opt('string'), fileUri: opt('string') }, { open: true })),
  // Read loosely (string, object, array, boolean or null all mean something): not type-checked.
  terminalError: ign(),
});

export function checkUploadAnswer(text: string): DriftFinding[] {
  if (looksLikeHtml(text)) return [{ kind: 'html-body', path: 'upload answer', type: 'html' }];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return [{ kind: 'type-changed', path: 'upload answer', type: 'not-json' }];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [{ kind: 'type-changed', path: 'upload answer', type: Array.isArray(v) ? 'array' : 'not-object' }];
  const o = v as Record<string, unknown>;
  const out = checkShape(o, UPLOAD_V2_ANSWER, 'upload');
  const meta = typeof o.fileMetadata === 'object' && o.fileMetadata !== null ? (o.fileMetadata as Record<string, unknown>) : {};
  const hasId = [o.uploadId, meta.fileMetadataId, meta.fileId].some((x) => typeof x === 'string' && x !== '');
  const failed = o.terminalError !== undefined && o.terminalError !== null && o.terminalError !== false && o.terminalError !== '';
  if (!hasId && !failed) out.push({ kind: 'missing-field', path: 'upload.fileMetadata.fileMetadataId', type: 'undefined' });
  return out;
}
