// Who may see what a client created through the API (video jobs now; stored Responses objects
// follow the same rule). A resource belongs to the API key that created it: another key is told it
// does not exist (404, never 403, so ids cannot be probed), and a listing shows a key only its own.
// With no API keys configured the gateway is open and every client is the same owner. The admin
// (console / admin API) sees everything.

/** A stable, non-secret id of an API key (or OPEN_GATEWAY_OWNER); never the key itself. */
export type ResourceOwner = string;

/** The one owner of everything when no API keys are configured. */
export const OPEN_GATEWAY_OWNER: ResourceOwner = 'open';

/** Who is asking: a client acting as its key's owner, or the admin. */
export type ResourceViewer = { kind: 'client'; owner: ResourceOwner } | { kind: 'admin' };

export const ADMIN_VIEWER: ResourceViewer = { kind: 'admin' };

export function clientViewer(owner: ResourceOwner): ResourceViewer {
  return { kind: 'client', owner };
}

/** Whether `viewer` may see (read, download, delete) a resource created by `owner`. */
export function canAccess(viewer: ResourceViewer, owner: ResourceOwner): boolean {
  return viewer.kind === 'admin' || viewer.owner === owner;
}
