// Reads config.defaults.toml as documentation: each `section.key`, its raw default text and the
// comment lines right above it. Used by the admin settings catalog and the README table generator.

export interface DocumentedKey {
  key: string;
  /** The default as written in the file (TOML text). */
  raw: string;
  /** The comment above it, joined into one line. */
  comment: string;
}

export function documentedKeys(text: string): DocumentedKey[] {
  const out: DocumentedKey[] = [];
  let section = '';
  let comment: string[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    const sec = /^\[([a-z_]+)\]$/.exec(line);
    if (sec) {
      section = sec[1] ?? '';
      comment = [];
      continue;
    }
    if (line.startsWith('[[')) {
      section = '';
      comment = [];
      continue;
    }
    if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
      continue;
    }
    const kv = /^([a-z_]+)\s*=\s*(.+)$/.exec(line);
    if (kv && section) out.push({ key: `${section}.${kv[1] ?? ''}`, raw: kv[2] ?? '', comment: comment.join(' ').replace(/\s+/g, ' ').trim() });
    comment = [];
  }
  return out;
}
