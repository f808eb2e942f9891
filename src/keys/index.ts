// Client API keys: per-key limits, model allow-lists, usage, and their admin API.
export { ClientKeyService, type ClientKeyServiceOptions } from './key-service.js';
export { ClientKeyGate, modelNotAllowed } from './key-gate.js';
export { registerKeyRoutes, keyStats, keyView } from './key-routes.js';
export { createKeyInput, patchKeyInput, type CreateKeyInput, type PatchKeyInput } from './key-input.js';
export { rateLimitHeaders, formatReset } from './rate-limit-headers.js';
