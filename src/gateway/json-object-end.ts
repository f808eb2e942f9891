// The end of a JSON object in text that may continue after it (a tool_calls block, a JSON answer).

/** End index of a balanced JSON object starting at `i` (strings respected), or -1 when unfinished. */
export function jsonObjectEnd(s: string, i: number): number {
  let depth = 0;
  let inStr = false;
  for (let k = i; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (inStr) {
      if (c === 92) k++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return k + 1;
    }
  }
  return -1;
}
