// Toasts: one line of feedback for every action, success or failure. A tiny store outside the
// component tree so any handler can report without prop plumbing.
import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api/client';

export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<(t: Toast[]) => void>();

function publish(): void {
  for (const l of listeners) l(toasts);
}

function push(kind: Toast['kind'], text: string): void {
  const t: Toast = { id: nextId++, kind, text };
  toasts = [...toasts.slice(-4), t];
  publish();
  // Errors stay longer: they are the ones a user needs to read.
  setTimeout(() => dismiss(t.id), kind === 'error' ? 9000 : 4000);
}

export function dismiss(id: number): void {
  toasts = toasts.filter((t) => t.id !== id);
  publish();
}

export const toast = {
  ok: (text: string): void => push('ok', text),
  info: (text: string): void => push('info', text),
  error: (err: unknown, prefix?: string): void => push('error', prefix ? `${prefix}: ${messageOf(err)}` : messageOf(err)),
};

export function Toasts() {
  const [list, setList] = useState<Toast[]>(toasts);
  useEffect(() => {
    listeners.add(setList);
    return () => void listeners.delete(setList);
  }, []);
  return (
    <div class="toasts" role="status" aria-live="polite">
      {list.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`} data-kind={t.kind}>
          <span>{t.text}</span>
          <button type="button" class="toast-close" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
