// What the MCP tools are built from: the same gateway services the /v1 routes use.
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import type { ChatService } from '../gateway/index.js';
import { type MediaApiDeps, invalidRequest, OpenAIHttpError } from '../openai/index.js';

export interface McpDeps {
  chat: ChatService;
  models: () => ModelRegistry;
  /** Images, edits and video jobs (absent = the media tools are not offered). */
  media?: MediaApiDeps | undefined;
  /** Told when a tool call's answer stream starts; the returned function is called when it ends (metrics, graceful shutdown). */
  onStream?: (() => () => void) | undefined;
}

/**
 * The enabled model `id` (or, without one, the first enabled model of the kinds), with /v1's
 * errors: 404 model_not_found for an unknown or disabled id, 400 model_not_supported for a model of
 * another kind.
 */
export function resolveToolModel(models: ModelRegistry, id: string | undefined, kinds: readonly ModelSpec['kind'][], tool: string): { id: string; spec: ModelSpec } {
  if (id === undefined) {
    // The first kind is the preferred one (edit_image takes image models too, but defaults to an edit model).
    const list = models.list();
    const spec = kinds.map((k) => list.find((m) => m.kind === k)).find((m) => m !== undefined);
    if (!spec) throw new OpenAIHttpError(404, `No ${kinds.join(' or ')} model is enabled`, { code: 'model_not_found', param: 'model' });
    return { id: spec.id, spec };
  }
  const spec = models.resolve(id);
  if (!spec) throw new OpenAIHttpError(404, `The model '${id}' does not exist or is disabled`, { code: 'model_not_found', param: 'model' });
  if (!kinds.includes(spec.kind)) {
    throw invalidRequest(`The model '${id}' is a ${spec.kind} model; ${tool} takes ${kinds.join(' or ')} models`, 'model', 'model_not_supported');
  }
  return { id, spec };
}

/** Ids of the enabled models of these kinds (for tool descriptions). */
export function modelIds(models: ModelRegistry, kinds: readonly ModelSpec['kind'][]): string[] {
  return models.list().filter((m) => kinds.includes(m.kind)).map((m) => m.id);
}
