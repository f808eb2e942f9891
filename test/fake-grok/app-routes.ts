// Request dispatch for the grok.com origin: read and record the body first (so rejected
// requests are recorded too), then route, gate, and hand over to the route handler.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFor } from './auth.js';
import { handleChat } from './chat-route.js';
import { readBody, sendAnswer, sendJson } from './http-util.js';
import { handleMediaPost, handleRateLimits, handleUpload } from './rest-routes.js';
import { handleSession, SESSION_PATH } from './session-route.js';
import type { SimState } from './state.js';

type RouteName = 'chat' | 'upload' | 'media-post' | 'rate-limits';

const ROUTES: Record<string, RouteName> = {
  '/rest/app-chat/conversations/new': 'chat',
  '/rest/app-chat/upload-file': 'upload',
  '/rest/media/post/create': 'media-post',
  '/rest/rate-limits': 'rate-limits',
};

export async function handleAppRequest(state: SimState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  res.on('error', () => undefined);
  const raw = await readBody(req);
  state.record(req, raw, 'app');
  if (raw === null) return; // the client went away mid-body

  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === SESSION_PATH) return handleSession(state, req, res);
  const route = ROUTES[path];
  if (route === undefined) return sendAnswer(res, errorFor(404));
  if (req.method !== 'POST') return sendJson(res, 405, { error: { code: 12, message: 'method not allowed', details: [] } }, { allow: 'POST' });

  const gate = state.gate(req, { statsig: true, route });
  if (!gate.ok) return sendAnswer(res, gate.answer);

  switch (route) {
    case 'chat':
      return handleChat(state, res, raw, gate.token, gate.behavior, String(req.headers['accept-encoding'] ?? ''));
    case 'upload':
      return handleUpload(state, res, raw, gate.token, gate.behavior);
    case 'media-post':
      return handleMediaPost(res, raw, gate.token);
    case 'rate-limits':
      return handleRateLimits(state, res, raw, gate.token, gate.behavior);
  }
}
