// Bounds client-chosen strings before they reach a log line or an error message: a 5 MB `model`
// must not become a 5 MB log line or 404 body. The cut keeps the start, marks the cut with an
// ellipsis and says how long the original was, so a reader knows it was cut.

/** Longest path echoed in an error or written to a log line. */
export const MAX_ECHOED_PATH = 256;
/** Longest model name, user name, key name or header value echoed. */
export const MAX_ECHOED = 128;

/** `s` when at most `max` characters; else its first `max` characters + "…(N chars)". */
export function clip(s: string, max: number = MAX_ECHOED): string {
  return s.length <= max ? s : `${s.slice(0, max)}…(${s.length} chars)`;
}
