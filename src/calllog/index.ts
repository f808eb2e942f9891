// Public surface of the call log: the service, its query/stats shapes, and the pure helpers.
export { CallLog, type CallLogOptions, type CallLogSettings, type CallLogStatus } from './call-log.js';
export { compileFilter, queryEntries, arraySource, type CallLogFilter, type CallLogPage, type EntrySource, type StatusFilter } from './call-log-query.js';
export { computeStats, pickBucketSize, type BucketSize, type CallLogStats, type CountRow, type Percentiles, type TimeBucket } from './call-log-stats.js';
export { recordFromCall, isApiCall, newEntryId } from './record-from-call.js';
export { RingBuffer } from './ring-buffer.js';
export { finishedCall, newCallContext, type CallContext, type CallListener, type FinishedCall } from './call-context.js';
