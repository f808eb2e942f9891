// What a failed start prints on stderr before exit code 1: one line a human can act on (what
// failed, why, what to do), never a stack trace. A configuration error prints one line per problem
// and one closing line, so every bad key is fixed in one round.
import { ConfigError } from '../config/index.js';
import { StoreError } from '../store/index.js';
import { DataDirError } from './data-dir-check.js';

const PREFIX = 'grok2api-ts did not start';

export function startupFailureLines(err: unknown): string[] {
  if (err instanceof ConfigError) {
    return [...err.problems.map((p) => `config error: ${p}`), `${PREFIX}: fix the configuration above (config.defaults.toml lists every key).`];
  }
  if (err instanceof StoreError) {
    // Without the stored accounts there is nothing to serve: the supervisor restarts us.
    return [`storage error: ${err.message}; ${PREFIX}: the store is unreachable (check storage.mode / STORAGE_URL and that the server is up).`];
  }
  if (err instanceof DataDirError) return [`${PREFIX}: ${err.message}`];
  return [`${PREFIX}: ${oneLine(err)}`];
}

/** `server.listen` failed: the port is taken, or the address is not this machine's. */
export function listenFailureLine(host: string, port: number, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const why =
    code === 'EADDRINUSE'
      ? 'EADDRINUSE (another process is using this port)'
      : code === 'EACCES'
        ? 'EACCES (ports below 1024 need privileges)'
        : code === 'EADDRNOTAVAIL'
          ? 'EADDRNOTAVAIL (no interface of this machine has that address)'
          : typeof code === 'string'
            ? code
            : oneLine(err);
  return `listen error: cannot listen on ${host}:${port}: ${why}; ${PREFIX}: choose another server.port / PORT or server.host / HOST, or stop what uses the port.`;
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}` : String(err);
  return text.replace(/\s*\n\s*/g, ' ');
}
