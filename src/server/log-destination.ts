// Where the gateway's log lines go: stdout, written in batches.
// Why batches: an asynchronous pino destination writes each line with its own fs.write, and each
// of those costs the process tens of microseconds (a thread-pool hand-off, the syscall, the
// completion callback): measured here at ~50 µs per line, a large part of a request's CPU with one
// call line per request. Lines now gather in the destination's buffer and go out together at most
// `maxDelayMs` after the first of them (or as soon as the buffer is full). A quiet gateway arms no
// timer at all. pino's exit hook writes what is still buffered when the process exits normally or
// on an uncaught error; only a SIGKILL can lose the last `maxDelayMs` of lines.
import pino from 'pino';

export interface LogDestination extends pino.DestinationStream {
  /** Writes the buffered lines now; `cb` runs once they are out. */
  flush(cb?: (err?: Error) => void): void;
  /** Writes the buffered lines synchronously (shutdown). */
  flushSync(): void;
}

/** Largest buffer before a write is forced (sonic-boom requires it below its 16 KiB maxWrite). */
const MIN_LENGTH = 16_000;

export function batchedLogDestination(fd = 1, maxDelayMs = 50): LogDestination {
  const dest = pino.destination({ dest: fd, sync: false, minLength: MIN_LENGTH });
  let timer: NodeJS.Timeout | undefined;
  const flushNow = (): void => {
    timer = undefined;
    dest.flush();
  };
  return {
    write(line: string): void {
      dest.write(line);
      if (timer === undefined) {
        timer = setTimeout(flushNow, maxDelayMs);
        timer.unref();
      }
    },
    flush(cb?: (err?: Error) => void): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      dest.flush(cb);
    },
    flushSync(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      dest.flushSync();
    },
  };
}
