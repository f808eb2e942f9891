// GET /v1/models and /v1/models/{id} in OpenAI's list/object shapes. The list offers only the
// models some usable account can serve (tier and quota bucket); /v1/models/{id} still describes
// any enabled model, and the admin API's GET /api/models shows every model with that flag.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import { OpenAIHttpError } from './errors.js';

// A fixed creation time: the ids are ours, not dated upstream releases.
const CREATED = 1767225600; // 2026-01-01

function modelObject(id: string, spec: ModelSpec): Record<string, unknown> {
  return { id, object: 'model', created: CREATED, owned_by: 'xai', kind: spec.kind, min_tier: spec.tier };
}

/**
 * `app` is the /v1 scope: the paths below are relative to it. `allowed` narrows what a request's
 * API key may use (a client key's model allow-list): the list shows only those, and another model
 * by id is the same 403 a call with it gets (`refusal`). `servable`: whether the account pool can
 * serve the model at all (unlisted otherwise).
 */
export function registerModels(
  app: FastifyInstance,
  models: () => ModelRegistry,
  access?: { allowed: (request: FastifyRequest, id: string) => boolean; refusal: (id: string) => Error },
  servable: (spec: ModelSpec) => boolean = () => true,
): void {
  app.get('/models', async (request) => ({
    object: 'list',
    data: models()
      .list()
      .filter((spec) => servable(spec) && (!access || access.allowed(request, spec.id)))
      .map((spec) => modelObject(spec.id, spec)),
  }));

  app.get<{ Params: { id: string } }>('/models/:id', async (request) => {
    const id = request.params.id;
    const spec = models().resolve(id);
    if (!spec) {
      throw new OpenAIHttpError(404, `The model '${id}' does not exist or is disabled`, { code: 'model_not_found', param: 'model' });
    }
    if (access && !access.allowed(request, id)) throw access.refusal(id);
    return modelObject(id, spec);
  });
}
