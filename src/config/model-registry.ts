// The model registry: public ids and aliases → model specs. Built from the validated `models` list.
import type { ModelSpec } from './schema.js';

export interface ModelRegistry {
  /** The enabled model named `id` (its public id or one of its aliases); undefined otherwise.
   * An alias resolves to the canonical spec; callers echo the id the client asked for. */
  resolve(id: string): ModelSpec | undefined;
  /** Enabled models, in configuration order (public ids only, not aliases). */
  list(): ModelSpec[];
  /** Every model, disabled ones included, in configuration order (admin listings). */
  all(): ModelSpec[];
}

export function buildModelRegistry(models: readonly ModelSpec[]): ModelRegistry {
  const enabled = models.filter((m) => m.enabled);
  const byName = new Map<string, ModelSpec>();
  // Public ids first, so an id always wins over another model's alias; then aliases, first one wins.
  for (const m of enabled) if (!byName.has(m.id)) byName.set(m.id, m);
  for (const m of enabled) for (const alias of m.aliases) if (!byName.has(alias)) byName.set(alias, m);
  const all = [...models];
  return {
    resolve: (id) => byName.get(id),
    list: () => [...enabled],
    all: () => [...all],
  };
}
