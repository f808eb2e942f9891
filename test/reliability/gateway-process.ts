// Runs the real entry point (src/main.ts) as a child process, the way a container runs it, for
// tests about process lifetime: start-up errors, signals, kill -9 and restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface GatewayProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT (no /v1). */
  url: string;
  port: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name) once the process is gone. */
  exited: Promise<number | string>;
}

/**
 * Spawns `node --import tsx src/main.ts` with `env`; does not wait for it to listen. `as` runs it
 * as another user (the test runner must be root), like a container's unprivileged user.
 */
export function spawnGateway(env: Record<string, string>, port: number, as?: { uid: number; gid: number }): GatewayProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(as ?? {}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, url: `http://127.0.0.1:${port}`, port, stdout: () => out, stderr: () => err, exited };
}

/**
 * Spawns the gateway and waits until /health answers (rejects if it exits or takes longer than
 * `opts.startMs`, default 60 s: tsx compiles at start-up, slow on a loaded machine). `opts.port` reuses a port (a restart behind a balancer).
 */
export async function startGatewayProcess(env: Record<string, string>, opts: { port?: number; startMs?: number } = {}): Promise<GatewayProcess> {
  const port = opts.port ?? (await freePort());
  const gp = spawnGateway(env, port);
  const deadline = Date.now() + (opts.startMs ?? 60_000);
  for (;;) {
    if (gp.child.exitCode !== null) throw new Error(`gateway exited early (${gp.child.exitCode}): ${gp.stderr()}${gp.stdout()}`);
    const ok = await fetch(`${gp.url}/health`).then((r) => r.ok, () => false);
    if (ok) return gp;
    if (Date.now() > deadline) {
      gp.child.kill('SIGKILL');
      throw new Error(`gateway did not start: ${gp.stderr()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves with the exit code, or kills the process and rejects after `ms`. */
export async function exitWithin(gp: GatewayProcess, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gp.child.kill('SIGKILL');
      reject(new Error(`gateway did not exit within ${ms} ms; stderr: ${gp.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([gp.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A gateway process with its own temporary DATA_DIR and quiet logs, for tests that run several
 * processes over one store; `stop()` sends SIGTERM, waits for the exit and removes the directory.
 */
export async function startTempGatewayProcess(env: Record<string, string>, opts: { startMs?: number } = {}): Promise<GatewayProcess & { stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'g2a-proc-'));
  const gp = await startGatewayProcess({ GROK2API_LOG_LEVEL: 'warn', ...env, DATA_DIR: dataDir }, opts).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...gp,
    stop: async () => {
      if (gp.child.exitCode === null && gp.child.signalCode === null) gp.child.kill('SIGTERM');
      await gp.exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
