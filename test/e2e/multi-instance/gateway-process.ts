// One real gateway process (node src/main.ts) for the multi-instance tests: its own port and
// DATA_DIR (kept across restarts), log lines collected, stoppable with SIGTERM or kill -9.
// Spawning and waiting for /health is the reliability tests' helper; this adds the DATA_DIR and
// the stop/kill conveniences the scale-out rig uses.
import type { ChildProcess } from 'node:child_process';
import { startGatewayProcess as startChild } from '../../reliability/gateway-process.js';

export { freePort } from '../../reliability/gateway-process.js';

export interface GatewayProcess {
  port: number;
  dataDir: string;
  child: ChildProcess;
  /** Every stdout line (pino JSON) and stderr line so far. */
  readonly logs: string[];
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export async function startGatewayProcess(env: Record<string, string>, dataDir: string, port?: number): Promise<GatewayProcess> {
  const gp = await startChild({ ...env, DATA_DIR: dataDir }, port !== undefined ? { port } : {});
  const { child } = gp;
  const signal = async (sig: NodeJS.Signals): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await gp.exited;
  };
  return {
    port: gp.port,
    dataDir,
    child,
    get logs() {
      return `${gp.stdout()}\n${gp.stderr()}`.split('\n').filter((l) => l !== '');
    },
    kill9: () => signal('SIGKILL'),
    stop: () => signal('SIGTERM'),
  };
}
