// Batched rendering: a long list (a 500-row page of tokens) is put on screen a batch per animation
// frame, so the first rows appear at once and the page never freezes while the rest follow.
import { useEffect, useState } from 'preact/hooks';

export function useProgressive<T>(items: readonly T[], batch = 60): readonly T[] {
  const [state, setState] = useState({ items, count: batch });
  // A new list starts again from its first batch.
  const count = state.items === items ? state.count : batch;
  useEffect(() => {
    if (state.items !== items) {
      setState({ items, count: batch });
      return;
    }
    if (state.count >= items.length) return;
    const id = requestAnimationFrame(() => setState((s) => (s.items === items ? { items, count: s.count + batch } : s)));
    return () => cancelAnimationFrame(id);
  }, [state, items, batch]);
  return count >= items.length ? items : items.slice(0, count);
}
