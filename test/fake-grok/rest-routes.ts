// The small routes: rate limits, Imagine media quotas (quota_info) and uploads v2 (multipart)
// (docs/grok-protocol.md, "Quotas" and "Uploads v2").

import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { jsonObject, sendJson } from './http-util.js';
import { parseMultipart } from './multipart.js';
import type { SimState } from './state.js';
import { userIdFor } from './token-registry.js';
import type { FakeTokenBehavior } from './types.js';

function badRequest(res: ServerResponse, message: string): void {
  sendJson(res, 400, { error: { code: 3, message, details: [] } });
}

/** POST /rest/rate-limits `{"modelName":"<mode>"}` (A) or `{"requestKind":"DEFAULT","modelName":...}` (D/F). */
export function handleRateLimits(state: SimState, res: ServerResponse, raw: Buffer, token: string, behavior: FakeTokenBehavior): void {
  const body = jsonObject(raw) ?? {};
  const mode = typeof body.modelName === 'string' && body.modelName !== ''
    ? body.modelName
    : typeof body.requestKind === 'string' ? body.requestKind : 'auto';
  const w = state.tokens.window(token, mode);
  // A token scripted to answer 429 reads as exhausted.
  const remaining = behavior.status === 429 ? 0 : w.remaining;
  sendJson(res, 200, {
    windowSizeSeconds: w.windowSeconds,
    remainingQueries: remaining,
    totalQueries: w.total,
    remainingTokens: remaining,
    lowEffortRateLimits: null,
    highEffortRateLimits: null,
  });
}

/** The `file_source` of image-edit inputs. */
export const IMAGINE_FILE_SOURCE = 'IMAGINE_SELF_UPLOAD_FILE_SOURCE';

/**
 * POST /http/upload-file-v2/direct: multipart `file` (+ optional `file_source`), nothing else;
 * stores the bytes as an asset and answers {uploadId, fileMetadata{fileMetadataId, fileUri},
 * terminalError}. A malformed form is a 400 naming what is wrong.
 */
export function handleUploadV2(
  state: SimState, res: ServerResponse, raw: Buffer, contentType: string | undefined, token: string, behavior: FakeTokenBehavior,
): void {
  if (state.tokens.takeUploadFailure(token)) {
    if (behavior.uploadFailMode === 'reset') {
      res.socket?.destroy();
      return;
    }
    sendJson(res, 502, { error: { code: 14, message: 'upload failed: upstream unavailable', details: [] } });
    return;
  }
  const form = parseMultipart(contentType, raw);
  if (!form.ok) return badRequest(res, form.reason);
  const names = form.parts.map((p) => p.name);
  const file = form.parts[0];
  if (file === undefined || file.name !== 'file') return badRequest(res, `multipart: expected the first part to be "file", got ${JSON.stringify(names)}`);
  if (file.filename === undefined || file.filename === '') return badRequest(res, 'file: expected a filename');
  if (file.contentType === undefined) return badRequest(res, 'file: expected a Content-Type');
  if (file.body.length === 0) return badRequest(res, 'file: empty');
  const rest = form.parts.slice(1);
  if (rest.length > 1 || (rest[0] !== undefined && rest[0].name !== 'file_source')) {
    return badRequest(res, `multipart: only "file" and "file_source" are expected, got ${JSON.stringify(names)}`);
  }
  const source = rest[0]?.body.toString('utf8');
  if (source !== undefined && source !== IMAGINE_FILE_SOURCE) return badRequest(res, `file_source: expected ${IMAGINE_FILE_SOURCE}, got ${JSON.stringify(source)}`);
  if (state.tokens.takeTerminalError(token)) {
    sendJson(res, 200, { uploadId: randomUUID(), fileMetadata: null, terminalError: { code: 'UPLOAD_REJECTED', message: 'file rejected by content scanner' } });
    return;
  }
  const id = randomUUID();
  const uploadId = `upl_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const fileUri = `users/${userIdFor(token)}/${id}/content`;
  state.assets.put(fileUri, file.body, file.contentType);
  const entry = { token, imagine: source !== undefined, mimeType: file.contentType };
  state.uploads.set(uploadId, entry);
  if (behavior.uploadIdOnly === true) {
    sendJson(res, 200, { uploadId, terminalError: null });
    return;
  }
  state.uploads.set(id, entry);
  sendJson(res, 200, { uploadId, fileMetadata: { fileMetadataId: id, fileUri }, terminalError: null });
}

const DEFAULT_MEDIA_BUCKET = { available: true, remainingQueries: 20, windowSizeSeconds: 86_400 };
const MEDIA_QUOTA_KEYS = ['image', 'imagePro', 'imageEdit', 'video', 'video720p'] as const;

/** POST /rest/media/imagine/quota_info `{}`: the five Imagine buckets (null = not offered). */
export function handleQuotaInfo(res: ServerResponse, raw: Buffer, behavior: FakeTokenBehavior): void {
  const body = jsonObject(raw);
  if (!body || Object.keys(body).length !== 0) return badRequest(res, 'quota_info: expected the body {}');
  const out: Record<string, unknown> = {};
  for (const key of MEDIA_QUOTA_KEYS) {
    const configured = behavior.mediaQuota?.[key];
    out[key] = configured === undefined ? (key === 'image' ? null : { ...DEFAULT_MEDIA_BUCKET }) : configured;
  }
  sendJson(res, 200, out);
}
