// The one error type the drivers throw for backend trouble (unreachable server, failed write,
// timeout). Its message never carries credentials; callers may show it in /ready and logs.
import type { StorageMode } from './types.js';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly backend: StorageMode,
    message: string,
  ) {
    super(message);
  }
}

/** Thrown by any operation after `close()`. */
export class StoreClosedError extends StoreError {
  constructor(backend: StorageMode) {
    super(backend, `${backend} store is closed`);
  }
}
