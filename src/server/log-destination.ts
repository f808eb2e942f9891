// Where the gateway's log lines go: stdout, written in batches.
// Why batches: an asynchronous pino destination writes each line with its own fs.write (a
// thread-pool hand-off, the syscall, the completion callback), a large part of a request's CPU with
// one call line per request (bench/results.md, "Micro-measurements"). Lines gather here and go out
// together at most `maxDelayMs` after the first of them (or as soon as `MAX_CHARS` are waiting). A
// quiet gateway arms no timer at all.
// Why our own buffer and not sonic-boom's `minLength`: sonic-boom appends each line to its pending
// string and measures that string's UTF-8 length on every write, which flattens the string each
// time. Here a line is pushed onto an array and the batch is joined once. What is still waiting when the process exits (normally
// or on an uncaught error) is written synchronously by an exit hook; only a SIGKILL can lose the
// last `maxDelayMs` of lines.
import pino from 'pino';

export interface LogDestination extends pino.DestinationStream {
  /** Writes the buffered lines now; `cb` runs once they are out. */
  flush(cb?: (err?: Error) => void): void;
  /** Writes the buffered lines synchronously (shutdown). */
  flushSync(): void;
}

/** Characters waiting before a write is forced (about 16 KB of ASCII log lines). */
const MAX_CHARS = 16_000;

/** Destinations with lines waiting, written out synchronously if the process exits. */
const waiting = new Set<() => void>();
let exitHooked = false;
function onExitWrite(writeWaiting: () => void): void {
  waiting.add(writeWaiting);
  if (exitHooked) return;
  exitHooked = true;
  process.once('exit', () => {
    for (const d of waiting) d();
  });
}

export function batchedLogDestination(fd = 1, maxDelayMs = 50): LogDestination {
  // minLength 1: each batch handed over is written at once (asynchronously), and flush(cb) still
  // waits for the write in flight (with minLength 0 sonic-boom calls it back straight away).
  const dest = pino.destination({ dest: fd, sync: false, minLength: 1 });
  let lines: string[] = [];
  let chars = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Hands what is waiting to sonic-boom as one string (it writes it asynchronously). */
  const drain = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (lines.length === 0) return;
    dest.write(lines.length === 1 ? (lines[0] as string) : lines.join(''));
    lines = [];
    chars = 0;
  };
  const flushSync = (): void => {
    drain();
    dest.flushSync();
  };
  onExitWrite(() => {
    if (lines.length === 0) return;
    try {
      flushSync();
    } catch {
      // Exiting with the destination closed or broken: nowhere left to write these lines.
    }
  });
  return {
    write(line: string): void {
      lines.push(line);
      chars += line.length;
      if (chars >= MAX_CHARS) drain();
      else if (timer === undefined) {
        timer = setTimeout(drain, maxDelayMs);
        timer.unref();
      }
    },
    flush(cb?: (err?: Error) => void): void {
      drain();
      dest.flush(cb);
    },
    flushSync,
  };
}
