// The client-key check of /mcp: the very check /v1 makes (same keys, same 401 words), in one
// small function so a change to how keys are checked lands here in one place.
import type { FastifyRequest } from 'fastify';
import { checkApiKey } from '../server/index.js';

/** Throws /v1's 401 for a missing or wrong key; on success records the key's name and owner on the request. */
export function authorizeMcpRequest(request: FastifyRequest, keys: readonly string[]): void {
  const xKey = request.headers['x-api-key'];
  const match = checkApiKey(request.headers.authorization, typeof xKey === 'string' ? xKey : undefined, keys);
  if (match) {
    request.call.apiKey = match.name;
    request.keyOwner = match.owner;
  }
}
