// The outcome of a bulk import (tokens, proxies): counts, then each rejected line by number, then
// whatever detail the caller adds (children).
import type { ComponentChildren } from 'preact';

export interface ImportOutcome {
  added: number;
  updated: number;
  errors: ReadonlyArray<{ line: number; message: string }>;
}

export function ImportResult(props: { result: ImportOutcome; testId: string; children?: ComponentChildren }) {
  const { result } = props;
  return (
    <div class="result-box" data-testid={props.testId}>
      <p>
        <strong>{result.added}</strong> added, <strong>{result.updated}</strong> updated.
      </p>
      {result.errors.length > 0 && (
        <ul class="error-list">
          {result.errors.map((er) => (
            <li key={er.line}>
              Line {er.line}: {er.message}
            </li>
          ))}
        </ul>
      )}
      {props.children}
    </div>
  );
}
