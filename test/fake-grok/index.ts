// Public surface of the Grok simulator. Tests, benchmarks and `npm run sim` import from here.

export { startFakeGrok } from './server.js';
export { expectedAnswer, echoLine, splitTokens, SIM_THINKING_TEXT, SIM_UNICODE_ANSWER, SIM_CITATION_URL, SIM_CITATION_TAG } from './answer.js';
export { parseDirectives } from './directives.js';
export type { SimDirectives } from './directives.js';
export { simModelHash } from './script-context.js';
export { userIdFor } from './token-registry.js';
export { MGW_WS_PATH } from './mgw-ws.js';
export { simHeaders } from './client-headers.js';
export { makeJpeg, makePng, makeMp4 } from './media-bytes.js';
export type { FakeGrok, FakeGrokOptions, FakeTokenBehavior, FakeQuotaWindow, RecordedRequest } from './types.js';
