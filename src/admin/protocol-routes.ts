// GET /api/protocol/drift: what grok.com sent that the gateway did not expect (src/grok/drift),
// one entry per drift signature with its count, first/last seen, the models and sources it was
// met on, and its first sample (redacted when kept). Read-only; the admin session guards it.
import type { FastifyInstance } from 'fastify';
import type { AdminDeps } from './admin-deps.js';

export function registerProtocolRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get('/protocol/drift', async () => {
    const d = deps.drift;
    const signatures = d ? d.list() : [];
    return {
      sampleRate: d ? d.sampleRate : 0,
      checked: d ? d.checked : 0,
      dropped: d ? d.dropped : 0,
      total: signatures.reduce((n, s) => n + s.count, 0),
      signatures,
    };
  });
}
