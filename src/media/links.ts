// The absolute base of links to cached media: app.app_url when set, else this request's own
// scheme and Host (X-Forwarded-* only count when server.trust_proxy is on, as Fastify applies it).
import type { FastifyRequest } from 'fastify';

export function mediaBaseUrl(appUrl: string, request: FastifyRequest): string {
  if (appUrl !== '') return appUrl.replace(/\/+$/, '');
  return `${request.protocol}://${request.host}`;
}
