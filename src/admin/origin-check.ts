// Cross-site request refusal for the admin API. The session cookie is SameSite=Strict, but a page
// on the same site (another port, a sibling subdomain) still sends it, and a POST without a body
// needs no CORS preflight: such a page could clear the cache or log the admin out. Every
// state-changing admin request (POST, PUT, PATCH, DELETE, login and logout included) must therefore
// come from the console's own origin, as the browser reports it:
//   - Sec-Fetch-Site (sent by current browsers): only "same-origin" or "none" (typed, bookmarked);
//   - else Origin: the request's own origin or app.app_url's; "null" (sandboxed, opaque) is refused;
//   - neither header: not a browser (curl, scripts with a bearer session): allowed.
// Sec-Fetch-Site comes first because it is the browser's own verdict, right even behind a proxy
// that rewrites Host without server.trust_proxy.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { adminError } from './admin-errors.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** host[:port] of an origin or URL, lower-case, default port dropped; undefined when unparsable. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Why this request is refused (a short reason for the log), or undefined when it may proceed. */
export function crossSiteReason(request: FastifyRequest, appUrl: string): string | undefined {
  if (!STATE_CHANGING.has(request.method)) return undefined;
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') {
    return site === 'same-origin' || site === 'none' ? undefined : `Sec-Fetch-Site: ${site.slice(0, 20)}`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const from = origin === 'null' ? undefined : hostOf(origin);
  if (from === undefined) return 'Origin: unparsable or null';
  // The scheme is not compared: behind a TLS-terminating proxy that is not in server.trust_proxy
  // the request looks like http while the browser's Origin says https; the host decides.
  if (from === hostOf(`${request.protocol}://${request.host}`)) return undefined;
  if (appUrl !== '' && from === hostOf(appUrl)) return undefined;
  return 'Origin: another site';
}

/** Adds the check to the admin scope (before the session lookup, so it costs no store read). */
export function installOriginCheck(api: FastifyInstance, appUrl: () => string): void {
  api.addHook('onRequest', (request, _reply, done) => {
    const reason = crossSiteReason(request, appUrl());
    if (reason === undefined) {
      done();
      return;
    }
    done(adminError(403, `Cross-site admin request refused (${reason}): use the console on its own address, or send no Origin from scripts`, 'cross_site_request'));
  });
}
