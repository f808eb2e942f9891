// fetch() for the admin API: JSON in and out, the session cookie sent by the browser, and the
// error envelope ({"error":{"message","code","param"}}) turned into an ApiError whose message
// can be shown as is. A 401 `unauthorized` anywhere means the session is gone: the app is told,
// so it shows the login form instead of a page full of errors.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    /** Seconds, from Retry-After (login lockout). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorEnvelope {
  error?: { message?: unknown; code?: unknown; param?: unknown };
}

let onUnauthorized: (() => void) | undefined;

/** Called once by the app: what to do when the session has ended. */
export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export async function errorFrom(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : null;
  let body: ErrorEnvelope | undefined;
  try {
    body = (await res.json()) as ErrorEnvelope;
  } catch {
    body = undefined;
  }
  const e = body?.error;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : `The gateway answered HTTP ${res.status} ${res.statusText}`.trim();
  return new ApiError(res.status, message, typeof e?.code === 'string' ? e.code : null, typeof e?.param === 'string' ? e.param : null, retryAfter);
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(`/api${path}`, query), {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach the gateway (network error). Is it running?');
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && err.code === 'unauthorized' && path !== '/session') onUnauthorized?.();
    throw err;
  }
  return (await res.json()) as T;
}

export const api = {
  get: <T>(path: string, query?: Query): Promise<T> => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body: unknown = {}): Promise<T> => request<T>('POST', path, body),
  del: <T>(path: string, query?: Query): Promise<T> => request<T>('DELETE', path, undefined, query),
};

/** Text of any thrown value, for a toast. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
