// Shared helpers of the store tests: record factory, a log capture, and waiting.
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { AccountRecord, CallLogRecord } from '../../src/store/index.js';

/** A valid, canonical record (every default present). */
export function makeRecord(n: number, over: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: `acc${String(n).padStart(6, '0')}`,
    token: `sso-token-${n}-${'x'.repeat(40)}`,
    tier: 'basic',
    tierPinned: false,
    status: 'active',
    coolingUntil: 0,
    quotas: {
      fast: { remaining: 18, total: 20, windowSeconds: 7200, resetAt: 0, syncedAt: 0, coolingUntil: 0 },
    },
    tags: ['t1'],
    note: `note ${n}`,
    createdAt: 1_700_000_000_000,
    lastUsedAt: 0,
    lastSuccessAt: 0,
    calls: n,
    failures: 0,
    consecutiveFailures: 0,
    updatedAt: 1_700_000_000_000 + n,
    ...over,
  };
}

/** A call-log entry started at `1_700_000_000_000 + n * 1000`. */
export function makeCallLog(n: number, over: Partial<CallLogRecord> = {}): CallLogRecord {
  const time = 1_700_000_000_000 + n * 1000;
  return {
    id: `${time.toString(36)}-${String(n).padStart(6, '0')}`,
    time,
    requestId: `req-${n}`,
    method: 'POST',
    endpoint: '/v1/chat/completions',
    model: n % 2 === 0 ? 'grok-chat-fast' : 'grok-chat-expert',
    stream: n % 3 === 0,
    apiKey: 'sk-tes****0000',
    account: `sso-to****${String(n % 10).padStart(4, '0')}`,
    status: n % 5 === 0 ? 429 : 200,
    ...(n % 5 === 0 ? { kind: 'rate-limited', error: 'rate_limit_exceeded' } : {}),
    attempts: 1,
    upstream: [{ account: `sso-to****${String(n % 10).padStart(4, '0')}`, status: n % 5 === 0 ? 429 : 200 }],
    ttfbMs: 100 + n,
    latencyMs: 500 + n,
    promptTokens: 10,
    completionTokens: 20,
    bytes: 1234,
    ...over,
  };
}

export function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function randomSuffix(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** A pino logger whose lines are kept in `lines` (parsed JSON). */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[]; text: () => string } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _enc, done) {
      const s = chunk.toString();
      raw.push(s);
      for (const line of s.split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines, text: () => raw.join('') };
}

/** Resolves with how long `p` took to settle; rejects if it resolved. */
export async function expectRejection(p: Promise<unknown>, label: string): Promise<{ ms: number; error: Error }> {
  const started = Date.now();
  try {
    await p;
  } catch (err) {
    return { ms: Date.now() - started, error: err instanceof Error ? err : new Error(String(err)) };
  }
  throw new Error(`${label}: expected a rejection, but it resolved`);
}

/** Polls `check` until it is true; fails after `timeoutMs`. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${label}`);
    await sleep(50);
  }
}

/** A TCP forwarder in front of a real server, to simulate an outage (stop) and a recovery (start). */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Listens (on the previous port when restarting); resolves with the port. */
  async start(): Promise<number> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  /** Stops listening and cuts every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
