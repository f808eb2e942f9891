// How a caller cancels a call: a Cancellation (the cheap per-request AbortController, see
// src/grok/cancellation.ts) handed to the gateway, which stops the upstream work when it aborts.
// Re-exported so the edges (which make one per request, tied to the client's socket) depend on
// the gateway only.
export { Cancellation, type AbortLike } from '../grok/index.js';
