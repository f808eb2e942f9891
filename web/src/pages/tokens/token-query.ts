// The token list's filters as they live in the URL hash, and the API queries built from them.
import { api, type Query } from '../../api/client';
import type { TokenPage } from '../../api/types';

export interface TokenFilters {
  status: string;
  tier: string;
  tag: string;
  text: string;
  sort: string;
  order: string;
  page: number;
  size: number;
}

export const SORTS: Array<{ id: string; label: string }> = [
  { id: 'createdAt', label: 'Added' },
  { id: 'lastUsedAt', label: 'Last used' },
  { id: 'lastSuccessAt', label: 'Last success' },
  { id: 'calls', label: 'Calls' },
  { id: 'failures', label: 'Failures' },
  { id: 'remaining', label: 'Quota left' },
  { id: 'tier', label: 'Tier' },
  { id: 'status', label: 'Status' },
];

export function filtersFrom(params: URLSearchParams): TokenFilters {
  const num = (k: string, d: number): number => {
    const n = Number(params.get(k));
    return Number.isInteger(n) && n > 0 ? n : d;
  };
  return {
    status: params.get('status') ?? '',
    tier: params.get('tier') ?? '',
    tag: params.get('tag') ?? '',
    text: params.get('text') ?? '',
    sort: params.get('sort') ?? 'createdAt',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    page: num('page', 1),
    size: Math.min(500, num('size', 50)),
  };
}

export function paramsOf(f: TokenFilters): Record<string, string | undefined> {
  return {
    status: f.status || undefined,
    tier: f.tier || undefined,
    tag: f.tag || undefined,
    text: f.text || undefined,
    sort: f.sort === 'createdAt' ? undefined : f.sort,
    order: f.order === 'desc' ? undefined : f.order,
    page: f.page === 1 ? undefined : String(f.page),
    size: f.size === 50 ? undefined : String(f.size),
  };
}

function query(f: TokenFilters, page: number, size: number): Query {
  return { status: f.status, tier: f.tier, tag: f.tag, text: f.text, sort: f.sort, order: f.order, page, page_size: size };
}

export function loadTokens(f: TokenFilters): Promise<TokenPage> {
  return api.get<TokenPage>('/tokens', query(f, f.page, f.size));
}

/** Every id matching the filters (for "select all matching"), 500 per request. */
export async function allMatchingIds(f: TokenFilters, onProgress?: (n: number, total: number) => void): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const r = await api.get<TokenPage>('/tokens', query(f, page, 500));
    for (const item of r.items) ids.push(item.id);
    onProgress?.(ids.length, r.total);
    if (r.items.length < 500 || ids.length >= r.total) return ids;
  }
}

/** Runs a bulk endpoint over `ids` in chunks the API accepts; sums the numeric answer field. */
export async function inChunks(ids: string[], size: number, run: (chunk: string[]) => Promise<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < ids.length; i += size) sum += await run(ids.slice(i, i + size));
  return sum;
}
