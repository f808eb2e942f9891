// The owner of what a /v1 request creates and may see (gateway/resource-owner.ts): the API-key
// check stores it on the request; routes that keep per-client resources ask for it here.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientViewer, type ResourceOwner, type ResourceViewer } from '../gateway/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the /v1 API-key check (the open gateway's one owner when no keys are configured). */
    keyOwner: ResourceOwner | undefined;
  }
}

export function decorateKeyOwner(app: FastifyInstance): void {
  app.decorateRequest('keyOwner', undefined);
}

/**
 * The request's owner. Fails closed: a route reached without the key check having run (a wiring
 * mistake) must not fall back to a shared owner and show one client another's resources.
 */
export function requestOwner(request: FastifyRequest): ResourceOwner {
  const owner = request.keyOwner;
  if (owner === undefined) throw new Error(`no API-key owner on ${request.method} ${request.routeOptions.url ?? ''}: the key check did not run`);
  return owner;
}

/** The request as a viewer of per-client resources. */
export function requestViewer(request: FastifyRequest): ResourceViewer {
  return clientViewer(requestOwner(request));
}
