// The tag table of the answer markup filter (docs/grok-protocol.md §21.5.3): the tag names it
// removes, the character codes its state machine reads, and the attribute reader of a complete tag.

// Tag names, lower case; matched case-insensitively (Grok writes `xaiArtifact`). No name is a
// prefix of another, so at most one can be complete at a time.
export const TAG_NAMES = ['xaiartifact', 'xai:tool_usage_card', 'grok:render'] as const;
export const T_ARTIFACT = 0;
export const T_CARD = 1;
export const T_RENDER = 2;
export const ALL_TAGS = 0b111;

/** An open tag longer than this is not markup (its '>' never came): release it as text. */
export const MAX_TAG_LENGTH = 2048;

export const C_GT = 62; // >
export const C_SLASH = 47; // /
export const C_DQUOTE = 34; // "
export const C_SQUOTE = 39; // '

export function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12;
}

export function lowerAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

const ATTR_RE = /([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>/]+))/g;

/** Attributes of one complete tag (a short string: the regex never sees the answer itself). */
export function parseAttributes(tag: string): Map<string, string> {
  const attrs = new Map<string, string>();
  for (const m of tag.matchAll(ATTR_RE)) {
    const name = m[1];
    if (name !== undefined) attrs.set(name.toLowerCase(), m[2] ?? m[3] ?? m[4] ?? '');
  }
  return attrs;
}
