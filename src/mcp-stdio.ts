#!/usr/bin/env node
// `node dist/src/mcp-stdio.js` (npm run mcp:stdio, bin grok2api-ts-mcp): the gateway's MCP tools
// over stdio for desktop agents (Claude Desktop, Claude Code, Cursor) that launch MCP servers as
// processes. It proxies to a running gateway's /mcp and holds no accounts itself.
//   MCP_GATEWAY_URL  the gateway's base URL (default http://127.0.0.1:8000), or its /mcp URL
//   MCP_GATEWAY_KEY  a client API key of that gateway (app.api_keys); unset for a gateway without keys
import { gatewayMcpUrl, runStdioProxy } from './mcp/index.js';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

async function main(): Promise<void> {
  let url: URL;
  try {
    url = gatewayMcpUrl(process.env.MCP_GATEWAY_URL ?? 'http://127.0.0.1:8000');
  } catch {
    log('grok2api-ts mcp: MCP_GATEWAY_URL is not a valid URL (expected e.g. http://127.0.0.1:8000)');
    process.exit(2);
  }
  const apiKey = process.env.MCP_GATEWAY_KEY?.trim() || undefined;
  const proxy = await runStdioProxy({ url, apiKey, log });
  // The agent closing our stdin is how it says the session is over.
  process.stdin.once('end', () => void proxy.close());
  const stop = (): void => void proxy.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await proxy.closed;
  process.exit(0);
}

main().catch((err: unknown) => {
  log(`grok2api-ts mcp: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
