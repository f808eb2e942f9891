// Request dispatch for the grok.com origin: read and record the body first (so rejected
// requests are recorded too), then route, gate, and hand over to the route handler. x-statsig-id
// is required on the REST calls that carry it and noted as a violation on uploads.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorFor } from './auth.js';
import { handleChat } from './chat-route.js';
import { readBody, sendAnswer, sendJson } from './http-util.js';
import { handleQuotaInfo, handleRateLimits, handleUploadV2 } from './rest-routes.js';
import { handleSession, SESSION_PATH } from './session-route.js';
import type { SimState } from './state.js';

type RouteName = 'chat' | 'upload-v2' | 'rate-limits' | 'quota-info';

const ROUTES: Record<string, RouteName> = {
  '/rest/app-chat/conversations/new': 'chat',
  '/http/upload-file-v2/direct': 'upload-v2',
  '/rest/rate-limits': 'rate-limits',
  '/rest/media/imagine/quota_info': 'quota-info',
};

/** Routes the web app calls without x-statsig-id. */
const NO_STATSIG: ReadonlySet<RouteName> = new Set(['upload-v2']);

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

  const statsig = !NO_STATSIG.has(route);
  if (!statsig) state.noteStatsigMisuse(req);
  const gate = state.gate(req, { statsig, route });
  if (!gate.ok) return sendAnswer(res, gate.answer);

  switch (route) {
    case 'chat':
      return handleChat(state, res, raw, gate.token, gate.behavior, String(req.headers['accept-encoding'] ?? ''), req.headers.referer);
    case 'upload-v2':
      return handleUploadV2(state, res, raw, req.headers['content-type'], gate.token, gate.behavior);
    case 'rate-limits':
      return handleRateLimits(state, res, raw, gate.token, gate.behavior);
    case 'quota-info':
      return handleQuotaInfo(res, raw, gate.behavior);
  }
}
