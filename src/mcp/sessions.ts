// The live MCP sessions of this gateway instance: one Streamable HTTP transport and one MCP
// server each, belonging to the API key that opened it. Another key presenting the session id is
// told the session does not exist (as for video jobs: ids cannot be probed across keys).
// Sessions are in memory (a client reconnects after a restart: MCP clients re-initialize on 404).
// Bounded: idle sessions expire, and when the table is full the least recently used idle one goes.
import { randomUUID } from 'node:crypto';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ResourceOwner } from '../gateway/index.js';

/** Most sessions kept at once. */
export const MAX_MCP_SESSIONS = 512;
/** A session nobody used for this long is closed. */
export const MCP_SESSION_IDLE_MS = 30 * 60_000;

export interface McpSession {
  id: string;
  owner: ResourceOwner;
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastUsed: number;
  /** HTTP requests of this session still open (a session with some is never evicted). */
  active: number;
}

export class McpSessions {
  private readonly sessions = new Map<string, McpSession>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly newServer: () => McpServer,
    private readonly idleMs = MCP_SESSION_IDLE_MS,
    private readonly max = MAX_MCP_SESSIONS,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(60_000, idleMs));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session `id` when `owner` opened it. */
  find(id: string, owner: ResourceOwner): McpSession | undefined {
    const s = this.sessions.get(id);
    return s && s.owner === owner ? s : undefined;
  }

  /**
   * A transport + server for an initialize request; the session is registered once the SDK has
   * accepted the initialize (it assigns the id). False when the table is full of busy sessions.
   */
  async open(owner: ResourceOwner): Promise<McpSession | undefined> {
    if (this.sessions.size >= this.max && !this.evictOne()) return undefined;
    const server = this.newServer();
    const session: McpSession = { id: '', owner, server, transport: undefined as unknown as StreamableHTTPServerTransport, lastUsed: Date.now(), active: 0 };
    session.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        session.id = id;
        this.sessions.set(id, session);
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    session.transport.onclose = () => {
      if (session.id !== '') this.sessions.delete(session.id);
    };
    await server.connect(session.transport);
    return session;
  }

  /** Marks a request of `s` as started; the returned function marks it done. */
  use(s: McpSession): () => void {
    s.active++;
    s.lastUsed = Date.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      s.active--;
      s.lastUsed = Date.now();
    };
  }

  /** Ends the server-to-client SSE streams (GET), which would otherwise hold a graceful shutdown for its whole drain time. */
  closeStandaloneStreams(): void {
    for (const s of this.sessions.values()) s.transport.closeStandaloneSSEStream();
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map((s) => s.server.close()));
  }

  private evictOne(): boolean {
    let oldest: McpSession | undefined;
    for (const s of this.sessions.values()) if (s.active === 0 && (!oldest || s.lastUsed < oldest.lastUsed)) oldest = s;
    if (!oldest) return false;
    this.drop(oldest);
    return true;
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const s of [...this.sessions.values()]) if (s.active === 0 && s.lastUsed < cutoff) this.drop(s);
  }

  private drop(s: McpSession): void {
    this.sessions.delete(s.id);
    void s.server.close().catch(() => undefined);
  }
}
