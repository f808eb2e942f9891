// Public surface of src/server/: the HTTP shell's parts that the app root assembles (hooks, error
// envelope, scopes, health, metrics, console, connection limits) and the request helpers edges share.
export { checkApiKey, type ApiKeyMatch } from './api-key-auth.js';
export { clip, MAX_ECHOED_PATH } from './clip.js';
export { httpTimeoutOptions, limitConnectionsPerAddress, throttledRefusalLog, type ConnectionSettings } from './connection-limits.js';
export { findConsoleDir, registerConsole } from './console-routes.js';
export { assertWritableDataDir } from './data-dir-check.js';
export { answeredClientGone, frameworkErrorHandler, installErrorHandlers, knownError, notFound } from './error-handler.js';
export { registerHealth, type ReadinessReport } from './health-routes.js';
export { Inflight } from './inflight.js';
export { lazyChildLoggerFactory } from './lazy-child-logger.js';
export { batchedLogDestination } from './log-destination.js';
export { registerMetricsRoute } from './metrics-route.js';
export { installOversizeBodyDrain } from './oversize-body-drain.js';
export { decorateCall } from './request-call.js';
export { decorateKeyOwner, requestOwner, requestViewer } from './request-owner.js';
export { addConsoleCsp, applySecurityHeaders } from './security-headers.js';
export { listenFailureLine, startupFailureLines } from './startup-failure.js';
export { registerRootAliasScope, registerV1Scope } from './v1-scope.js';
