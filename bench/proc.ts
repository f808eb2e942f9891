// Child processes for the benchmark: spawn, wait until listening, read CPU time and RSS from /proc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Clock ticks per second for /proc/<pid>/stat (utime, stime). */
export const CLK_TCK: number = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** User and system CPU time of the whole process (all threads), in ms. */
export function cpuTimes(pid: number): { user: number; sys: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15.
  return { user: (Number(fields[11]) * 1000) / CLK_TCK, sys: (Number(fields[12]) * 1000) / CLK_TCK };
}

/** utime + stime of the whole process (all threads), in ms. */
export function cpuMs(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.sys;
}

/** Resident set size in MB (VmRSS). */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  port: number;
  /** Lines written to stdout/stderr (counted, not kept, except the last few and warnings/errors). */
  lines: number;
  tail: string[];
  /** The first warning/error lines, verbatim (truncated). */
  problems: string[];
  /** Warning/error lines by `level msg: err.message`, all of them counted. */
  problemKinds: Record<string, number>;
  problemCount: number;
  exited: boolean;
  /** How it exited: `code 1`, `signal SIGKILL`. */
  exitStatus?: string;
}

/** Groups a pino warn/error line (or a plain stderr line) under a short key. */
function problemKey(line: string): string {
  if (!line.startsWith('{')) return line.slice(0, 120);
  try {
    const o = JSON.parse(line) as { level?: number; msg?: string; err?: { type?: string; message?: string } };
    const level = o.level === 40 ? 'warn' : o.level === 50 ? 'error' : 'fatal';
    return `${level} "${o.msg ?? ''}"${o.err ? `: ${o.err.type ?? ''} ${o.err.message ?? ''}` : ''}`;
  } catch {
    return line.slice(0, 120);
  }
}

const children: Child[] = [];

/**
 * Spawns `process.execPath args` (so the pid is the node process itself) and consumes its output
 * so a chatty logger never blocks on a full pipe.
 */
export function startChild(name: string, args: string[], env: NodeJS.ProcessEnv, port: number, cwd: string): Child {
  const proc = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error(`${name}: spawn failed`);
  const child: Child = { name, proc, pid: proc.pid, port, lines: 0, tail: [], problems: [], problemKinds: {}, problemCount: 0, exited: false };
  const consume = (stream: NodeJS.ReadableStream): void => {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      for (const line of parts) {
        child.lines++;
        child.tail.push(line);
        if (child.tail.length > 20) child.tail.shift();
        // pino levels: 40 warn, 50 error, 60 fatal. Plain text on stderr is kept too.
        if (/^\{"level":(4|5|6)0/.test(line) || (!line.startsWith('{') && /error|warn/i.test(line))) {
          child.problemCount++;
          const key = problemKey(line);
          child.problemKinds[key] = (child.problemKinds[key] ?? 0) + 1;
          if (child.problems.length < 5) child.problems.push(line.length > 1500 ? `${line.slice(0, 1500)}…` : line);
        }
      }
    });
  };
  if (proc.stdout) consume(proc.stdout);
  if (proc.stderr) consume(proc.stderr);
  proc.once('exit', (code, signal) => {
    child.exited = true;
    child.exitStatus = signal ? `signal ${signal}` : `code ${code}`;
    if (!stopping) {
      child.problemCount++;
      child.problems.push(`process exited unexpectedly (code ${code}, signal ${signal})`);
    }
  });
  children.push(child);
  return child;
}

export async function waitListening(child: Child, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exited) throw new Error(`${child.name} exited during start-up (${child.exitStatus}):\n${child.tail.join('\n')}`);
    if (await canConnect(child.port)) return;
    await sleep(100);
  }
  throw new Error(`${child.name} did not listen on ${child.port} within ${timeoutMs} ms:\n${child.tail.join('\n')}`);
}

let stopping = false;

/** Children that died before the end, with their last output (for a failed run's report). */
export function deadChildren(): string[] {
  return children.filter((c) => c.exited && !stopping).map((c) => `${c.name} (pid ${c.pid}) exited, ${c.exitStatus}; last output:\n  ${c.tail.slice(-10).join('\n  ')}`);
}

/** SIGTERM to every child, SIGKILL after `graceMs` for any still alive. */
export async function stopChildren(graceMs = 3000): Promise<void> {
  stopping = true;
  const alive = children.filter((c) => !c.exited);
  for (const c of alive) c.proc.kill('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && alive.some((c) => !c.exited)) await sleep(50);
  for (const c of alive) if (!c.exited) c.proc.kill('SIGKILL');
}

/** Synchronous last resort (process 'exit' handler): SIGKILL whatever is left. */
export function killChildrenNow(): void {
  stopping = true;
  for (const c of children) {
    if (!c.exited) {
      try {
        c.proc.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
