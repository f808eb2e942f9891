// The small JSON routes: rate limits (protocol 8.3), file upload (4, 12.3) and media post
// creation (7, 12.4).

import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { jsonObject, sendJson } from './http-util.js';
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

/** POST /rest/app-chat/upload-file `{"fileName","fileMimeType","content":<base64>}`; stores the bytes as an asset. */
export function handleUpload(state: SimState, res: ServerResponse, raw: Buffer, token: string, behavior: FakeTokenBehavior): void {
  if (state.tokens.takeUploadFailure(token)) {
    if (behavior.uploadFailMode === 'reset') {
      res.socket?.destroy();
      return;
    }
    sendJson(res, 502, { error: { code: 14, message: 'upload failed: upstream unavailable', details: [] } });
    return;
  }
  const body = jsonObject(raw);
  if (!body) return badRequest(res, 'invalid JSON body');
  if (typeof body.content !== 'string' || body.content === '') return badRequest(res, 'content: expected base64');
  const content = body.content.replace(/^data:[^,]*,/, '');
  if (!/^[A-Za-z0-9+/=\s_-]*$/.test(content)) return badRequest(res, 'content: not base64');
  const mime = typeof body.fileMimeType === 'string' && body.fileMimeType !== '' ? body.fileMimeType : 'application/octet-stream';
  const id = randomUUID();
  const fileUri = `users/${userIdFor(token)}/${id}/content`;
  state.assets.put(fileUri, Buffer.from(content, 'base64'), mime);
  sendJson(res, 200, {
    fileMetadataId: id,
    fileMimeType: mime,
    fileName: typeof body.fileName === 'string' ? body.fileName : 'file',
    fileUri,
    parsedFileUri: '',
    createTime: new Date().toISOString(),
    fileSource: 'SELF_UPLOAD_FILE_SOURCE',
  });
}

/** POST /rest/media/post/create: camelCase (F/A) or snake_case (D) keys; returns {post:{id,...}}. */
export function handleMediaPost(res: ServerResponse, raw: Buffer, token: string): void {
  const body = jsonObject(raw);
  if (!body) return badRequest(res, 'invalid JSON body');
  const mediaType = body.mediaType ?? body.media_type;
  if (typeof mediaType !== 'string' || !mediaType.startsWith('MEDIA_POST_TYPE_')) return badRequest(res, 'mediaType: expected MEDIA_POST_TYPE_*');
  const mediaUrl = body.mediaUrl ?? body.media_url;
  const prompt = typeof body.prompt === 'string' ? body.prompt : undefined;
  sendJson(res, 200, {
    post: {
      id: randomUUID(),
      userId: userIdFor(token),
      createTime: new Date().toISOString(),
      mediaType,
      mediaUrl: typeof mediaUrl === 'string' ? mediaUrl : '',
      prompt: prompt ?? '',
      ...(prompt !== undefined ? { originalPrompt: prompt } : {}),
    },
  });
}
