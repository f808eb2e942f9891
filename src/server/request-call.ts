// Every request carries its call context (calllog/call-context.ts): the onRequest hook in
// app/build-server.ts sets it, the routes fill it in, the call line and the listeners read it.
import type { FastifyInstance } from 'fastify';
import type { CallContext } from '../calllog/index.js';

declare module 'fastify' {
  interface FastifyRequest {
    call: CallContext;
  }
}

export function decorateCall(app: FastifyInstance): void {
  app.decorateRequest('call', undefined as unknown as CallContext);
}
