// The bound on a request's `model`: every /v1 schema applies it, so a 5 MB model name is a short
// 400 naming `model` instead of a 5 MB 404 body and log line. Real ids are a few dozen characters.
export const MAX_MODEL_LENGTH = 256;
export const MODEL_TOO_LONG = `expected at most ${MAX_MODEL_LENGTH} characters`;
