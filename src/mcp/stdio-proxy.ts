// The stdio side of the MCP server, for desktop agents that launch MCP servers as processes: it
// holds no accounts and no Grok state, only a Streamable HTTP client session with a running
// gateway's /mcp (API key in the Authorization header), and passes JSON-RPC messages both ways
// unchanged. Progress notifications and tool results come back on the same path.
import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { isJSONRPCRequest, isJSONRPCResultResponse, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';

export interface StdioProxyOptions {
  /** The gateway's /mcp URL. */
  url: URL;
  /** Client API key (sent as Authorization: Bearer); undefined for a gateway without keys. */
  apiKey?: string | undefined;
  stdin?: Readable;
  stdout?: Writable;
  /** Diagnostics go here (never to stdout: that is the protocol channel). */
  log: (line: string) => void;
}

/** MCP_GATEWAY_URL → the /mcp URL: a base URL (http://host:8000) gets /mcp; a URL ending in /mcp is kept. */
export function gatewayMcpUrl(base: string): URL {
  const u = new URL(base);
  if (!/\/mcp\/?$/.test(u.pathname)) u.pathname = `${u.pathname.replace(/\/+$/, '')}/mcp`;
  return u;
}

export interface RunningProxy {
  /** Resolves when either side closed. */
  closed: Promise<void>;
  close(): Promise<void>;
}

export async function runStdioProxy(opts: StdioProxyOptions): Promise<RunningProxy> {
  const headers: Record<string, string> = opts.apiKey ? { authorization: `Bearer ${opts.apiKey}` } : {};
  const remote = new StreamableHTTPClientTransport(opts.url, { requestInit: { headers } });
  const local = new StdioServerTransport(opts.stdin, opts.stdout);
  // The HTTP transport must send the negotiated protocol version on every request after initialize.
  const initializeIds = new Set<RequestId>();
  let closing = false;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((r) => (resolveClosed = r));

  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    // Ends the session on the gateway (DELETE /mcp) rather than leaving it to expire.
    await remote.terminateSession().catch(() => undefined);
    await Promise.allSettled([remote.close(), local.close()]);
    resolveClosed();
  };

  local.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCRequest(message) && message.method === 'initialize') initializeIds.add(message.id);
    remote.send(message).catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      opts.log(`grok2api-ts mcp: gateway request failed: ${text}`);
      // A request must get an answer, or the agent waits forever.
      if (isJSONRPCRequest(message)) {
        void local.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `The gateway at ${opts.url.origin} failed: ${text}` } });
      }
    });
  };
  remote.onmessage = (message: JSONRPCMessage) => {
    if (isJSONRPCResultResponse(message) && initializeIds.delete(message.id)) {
      const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
      if (typeof version === 'string') remote.setProtocolVersion(version);
    }
    void local.send(message).catch((err: unknown) => opts.log(`grok2api-ts mcp: stdout write failed: ${String(err)}`));
  };
  remote.onerror = (err) => opts.log(`grok2api-ts mcp: ${err.message}`);
  local.onerror = (err) => opts.log(`grok2api-ts mcp: stdin: ${err.message}`);
  local.onclose = () => void close();
  remote.onclose = () => void close();
  await remote.start();
  await local.start();
  return { closed, close };
}
