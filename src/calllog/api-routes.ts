// Which matched routes are API calls the call log keeps: /v1/*, /mcp, and the unprefixed aliases
// of the text API. Here rather than in the HTTP shell so the call log does not import src/server/.

/**
 * The API routes also served without the /v1 prefix, for clients configured with a base URL that
 * lacks it (`http://host:8000`): app/build-server.ts registers them (registerTextApi) into the
 * alias scope of server/v1-scope.ts, with the same key check. Keep this list in step with it.
 */
export const ROOT_ALIAS_PATHS: readonly string[] = ['/chat/completions', '/responses', '/models'];

/** True for a matched route of an unprefixed API alias (`/responses/:id` included). */
export function isRootAliasRoute(route: string): boolean {
  return ROOT_ALIAS_PATHS.some((p) => route === p || route.startsWith(`${p}/`));
}
