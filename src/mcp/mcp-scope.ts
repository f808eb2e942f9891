// POST/GET/DELETE /mcp: the MCP Streamable HTTP transport (the official SDK's), as its own
// encapsulated Fastify plugin. Like the /v1 scope, its own synchronous onRequest hook demands the
// client API key for exactly the routes matched into it. The route then hands the raw request and
// response to the session's transport (reply.hijack()); the root hook's call line is still written
// when the socket closes, and tool calls fill its context (model, account, failure) as /v1 does.
import type { ClientKeyGate } from '../keys/index.js';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { AppConfig } from '../config/index.js';
import { mediaBaseUrl } from '../media/index.js';
import { notFound, requestOwner } from '../server/index.js';
import { buildMcpServer } from './build-mcp-server.js';
import type { McpDeps } from './deps.js';
import { authorizeMcpRequest } from './key-check.js';
import { authInfoFor, type McpRequestContext } from './request-context.js';
import { McpSessions, type McpSession } from './sessions.js';

export const MCP_PATH = '/mcp';

export interface McpScopeOptions {
  /** Client API keys: also accepted on /mcp; their allow-list and limits apply per tool call. */
  clientKeys?: ClientKeyGate | undefined;
  config: () => AppConfig;
  deps: McpDeps;
}

/** JSON-RPC error body, as the SDK's transport answers session problems (MCP clients read these). */
function rpcError(code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', error: { code, message }, id: null };
}

export async function registerMcpScope(app: FastifyInstance, opts: McpScopeOptions): Promise<McpSessions> {
  const sessions = new McpSessions(() => buildMcpServer(opts.deps));
  // Server-to-client SSE streams are open-ended: end them as shutdown starts, so the drain waits
  // only for tool calls in progress; the sessions themselves go when the server is closed.
  app.addHook('preClose', async () => sessions.closeStandaloneStreams());
  app.addHook('onClose', async () => sessions.close());
  await app.register(
    async (scope) => {
      scope.decorateRequest('clientKey', undefined);
      scope.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => {
        const cfg = opts.config();
        // Switched off live: /mcp is then an unknown route, as if it had never been registered.
        if (!cfg.mcp.enabled) {
          notFound(request, reply);
          return;
        }
        // Client keys (src/keys) are accepted here too, and once one exists /mcp is never open.
        // Their allow-list and limits apply per tool call (key-limits.ts), not per HTTP request.
        if (opts.clientKeys) {
          opts.clientKeys.authenticate(request, cfg.app.api_keys, done);
          return;
        }
        try {
          authorizeMcpRequest(request, cfg.app.api_keys);
        } catch (err) {
          done(err as Error);
          return;
        }
        done();
      });
      scope.setNotFoundHandler(notFound);
      const handler = (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => handleMcp(request, reply, sessions, opts);
      scope.post('', handler);
      scope.get('', handler);
      scope.delete('', handler);
    },
    { prefix: MCP_PATH },
  );
  return sessions;
}

async function handleMcp(request: FastifyRequest, reply: FastifyReply, sessions: McpSessions, opts: McpScopeOptions): Promise<unknown> {
  const owner = requestOwner(request);
  const sid = request.headers['mcp-session-id'];
  let session: McpSession | undefined;
  let opened = false;
  if (sid !== undefined) {
    session = typeof sid === 'string' ? sessions.find(sid, owner) : undefined;
    if (!session) {
      request.call.error = 'session_not_found';
      return reply.code(404).send(rpcError(-32001, 'Session not found'));
    }
  } else if (request.method === 'POST' && isInitializeRequest(request.body)) {
    session = await sessions.open(owner);
    if (!session) {
      request.call.error = 'too_many_sessions';
      return reply.code(503).header('retry-after', '30').send(rpcError(-32000, 'Too many MCP sessions are in use; retry later'));
    }
    opened = true;
  } else {
    request.call.error = 'missing_session';
    return reply.code(400).send(rpcError(-32000, 'Bad Request: No valid session ID provided (send initialize first, then the mcp-session-id header)'));
  }

  const res = reply.raw;
  const clientGone = new AbortController();
  const ctx: McpRequestContext = {
    call: request.call,
    owner,
    requestId: request.id,
    mediaBaseUrl: mediaBaseUrl(opts.config().app.app_url, request),
    clientGone: clientGone.signal,
    log: request.log,
    clientKey: opts.clientKeys && request.clientKey ? { gate: opts.clientKeys, key: request.clientKey } : undefined,
  };
  const raw = request.raw as typeof request.raw & { auth?: ReturnType<typeof authInfoFor> };
  raw.auth = authInfoFor(request.call.apiKey ?? 'anonymous', ctx);
  // Headers the hooks set (x-request-id, security headers) go out with whatever the SDK writes.
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) res.setHeader(name, value as string | number | string[]);
  reply.hijack();
  const release = sessions.use(session);
  const streamEnded = opts.deps.onStream?.();
  const started = session;
  // The server-to-client stream (GET) normally ends by the client going away: that is not a 499.
  // Prepended, so it runs before the root hook's listener writes the call line.
  if (request.method === 'GET') {
    res.prependListener('close', () => {
      if (res.headersSent && res.statusCode === 200 && request.call.status === undefined) request.call.status = 200;
    });
  }
  res.once('close', () => {
    if (!res.writableFinished) clientGone.abort();
    release();
    streamEnded?.();
    // An initialize the SDK refused never became a session: nothing else will close its server.
    if (opened && started.id === '') void started.server.close().catch(() => undefined);
  });
  try {
    await session.transport.handleRequest(raw, res, request.body);
  } catch (err) {
    request.log.error({ err }, 'MCP transport failed');
    request.call.status = 500;
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify(rpcError(-32603, 'Internal error')));
    else res.end();
  }
  return undefined;
}
