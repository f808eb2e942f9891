// Loads data for a page and reloads it when its inputs change (or on demand, or on a timer).
// An answer that arrives after a newer request started is dropped, so fast typing in a filter
// never shows stale rows.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

export function useLoad<T>(load: () => Promise<T>, deps: unknown[], opts: { refreshMs?: number } = {}): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  const seq = useRef(0);
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    load().then(
      (d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (mine !== seq.current) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [...deps, nonce]);
  useEffect(() => {
    if (!opts.refreshMs) return;
    const id = setInterval(() => {
      // A hidden tab does not poll.
      if (document.visibilityState === 'visible') setNonce((n) => n + 1);
    }, opts.refreshMs);
    return () => clearInterval(id);
  }, [opts.refreshMs]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { data, error, loading, reload };
}
