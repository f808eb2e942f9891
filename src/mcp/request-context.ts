// What a tool call needs to know about the HTTP request that carried it: the call context its
// call line is written from, the API key's owner, the request id, where media links point, and a
// signal that fires when the client goes. The SDK hands each message's `authInfo` to the tool
// handler, so the context rides there (`extra`), set by the /mcp route before the transport sees
// the request.
import type { FastifyBaseLogger } from 'fastify';
import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { CallContext } from '../calllog/index.js';
import type { ResourceOwner } from '../gateway/index.js';
import type { McpClientKey } from './key-limits.js';

export interface McpRequestContext {
  call: CallContext;
  owner: ResourceOwner;
  requestId: string;
  /** Absolute base of our media links (app.app_url or derived from the request). */
  mediaBaseUrl: string;
  /** Aborts when the client's HTTP request goes away before its answer was written. */
  clientGone: AbortSignal;
  log: FastifyBaseLogger;
  /** The client key the request authenticated with (absent: a static key or the open gateway, unlimited). */
  clientKey?: McpClientKey | undefined;
}

const KEY = 'grok2apiRequest';

/** The auth info the transport passes on: the masked key name, never the key. */
export function authInfoFor(keyName: string, ctx: McpRequestContext): AuthInfo {
  return { token: keyName, clientId: keyName, scopes: [], extra: { [KEY]: ctx } };
}

/** The context of the request a message came in on, when the /mcp route set one. */
export function findRequestContext(authInfo: AuthInfo | undefined): McpRequestContext | undefined {
  return authInfo?.extra?.[KEY] as McpRequestContext | undefined;
}

/** The context of the request a tool call came in on; throws when the route did not set one (a wiring mistake). */
export function requestContext(authInfo: AuthInfo | undefined): McpRequestContext {
  const ctx = findRequestContext(authInfo);
  if (!ctx) throw new Error('MCP tool call without a request context: the /mcp route did not set it');
  return ctx;
}
