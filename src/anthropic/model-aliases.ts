// Claude model names → Grok models (config `anthropic.model_aliases`). Claude Code and Anthropic
// SDK agents send names like claude-sonnet-4-5-20250929, claude-opus-4-1 or claude-3-5-haiku-latest;
// each entry "NAME=MODEL" maps them onto a configured Grok model id (or alias). Resolution order:
//   1. an entry whose NAME is exactly the requested name;
//   2. the requested name as a Grok model id or alias (grok-chat-fast works as is);
//   3. the first entry whose NAME is a dash-separated part of the requested name ("opus" matches
//      claude-opus-4-1 and claude-3-opus-latest);
//   4. for any other claude-* name, the "*" entry.
// Anything else is not a model: 404 not_found_error.
import type { ModelRegistry, ModelSpec } from '../config/index.js';

export interface AliasRule {
  name: string;
  target: string;
}

/** "NAME=MODEL": NAME and MODEL without spaces or "=" (the config schema checks this shape). */
export const ALIAS_ENTRY_RE = /^[^=\s]+=[^=\s]+$/;

let cachedEntries: readonly string[] | undefined;
let cachedRules: AliasRule[] = [];

/** The rules of a validated entry list (re-parsed only when the list object changes: live edits). */
export function aliasRules(entries: readonly string[]): AliasRule[] {
  if (entries !== cachedEntries) {
    cachedEntries = entries;
    cachedRules = entries.filter((e) => ALIAS_ENTRY_RE.test(e)).map((e) => {
      const i = e.indexOf('=');
      return { name: e.slice(0, i).toLowerCase(), target: e.slice(i + 1) };
    });
  }
  return cachedRules;
}

export interface ResolvedModel {
  spec: ModelSpec;
  /** The Grok model id or alias the name mapped to (for logs and errors). */
  target: string;
}

export type ModelResolution =
  | { ok: true; model: ResolvedModel }
  | { ok: false; message: string };

/** Which configured model name `requested` stands for, before the registry is asked. */
export function aliasTarget(requested: string, rules: readonly AliasRule[], registry: ModelRegistry): string | undefined {
  const lower = requested.toLowerCase();
  const exact = rules.find((r) => r.name === lower);
  if (exact) return exact.target;
  if (registry.resolve(requested)) return requested;
  const dashed = `-${lower}-`;
  const family = rules.find((r) => r.name !== '*' && dashed.includes(`-${r.name}-`));
  if (family) return family.target;
  if (lower.startsWith('claude')) return rules.find((r) => r.name === '*')?.target;
  return undefined;
}

export function resolveAnthropicModel(requested: string, entries: readonly string[], registry: ModelRegistry): ModelResolution {
  const target = aliasTarget(requested, aliasRules(entries), registry);
  if (target === undefined) return { ok: false, message: `model: ${requested} is not a known model (use a claude-* name or a Grok model id)` };
  const spec = registry.resolve(target);
  if (!spec) {
    return { ok: false, message: `model: ${requested} maps to '${target}' (anthropic.model_aliases), which does not exist or is disabled` };
  }
  return { ok: true, model: { spec, target } };
}
