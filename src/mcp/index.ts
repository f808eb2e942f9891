// The MCP edge: /mcp (Streamable HTTP) with Grok as tools, and the stdio proxy for desktop agents.
export { registerMcpScope, MCP_PATH, type McpScopeOptions } from './mcp-scope.js';
export type { McpDeps } from './deps.js';
export { McpSessions } from './sessions.js';
export { runStdioProxy, gatewayMcpUrl, type StdioProxyOptions } from './stdio-proxy.js';
