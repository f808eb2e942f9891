// Hash routing (#/tokens?status=active): any deep link loads the same index.html, so the server
// needs no fallback route, and filters kept in the hash survive a reload or a shared link.
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string;
  params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/';
  const q = hash.indexOf('?');
  return { path: q < 0 ? hash : hash.slice(0, q), params: new URLSearchParams(q < 0 ? '' : hash.slice(q + 1)) };
}

const listeners = new Set<() => void>();
window.addEventListener('hashchange', () => listeners.forEach((l) => l()));

export function useRoute(): Route {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const l = (): void => setRoute(currentRoute());
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
  return route;
}

function hashFor(path: string, params?: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params ?? {})) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

export function navigate(path: string, params?: Record<string, string | undefined>): void {
  location.hash = hashFor(path, params);
}

/** Rewrites the query of the current page without a history entry (filters as you type). */
export function replaceParams(params: Record<string, string | undefined>): void {
  const next = hashFor(currentRoute().path, params);
  if (next === location.hash) return;
  history.replaceState(null, '', next);
  // replaceState fires no hashchange: tell the pages ourselves.
  listeners.forEach((l) => l());
}
