// Reads one TOML file. A syntax error becomes a ConfigError naming the file, line and column.
import { readFileSync } from 'node:fs';
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from './config-error.js';
import type { Table } from './tables.js';

/** Parses TOML text; `file` only names the source in error messages. */
export function parseToml(text: string, file: string): Table {
  try {
    // `drop` keeps `__proto__` / `constructor` keys out of the result.
    return parse(text.replace(/^\uFEFF/, ''), { unsafeKeyBehaviour: 'drop' });
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = (err.message.split('\n')[0] ?? 'syntax error').replace(/^Invalid TOML document:\s*/, '');
      throw new ConfigError([`${file}:${err.line}:${err.column}: TOML syntax error: ${reason}`]);
    }
    throw new ConfigError([`${file}: cannot parse: ${err instanceof Error ? err.message : String(err)}`]);
  }
}

/** Reads and parses a TOML file. With `optional`, a missing file gives undefined. */
export function readTomlFile(file: string, opts: { optional: boolean }): Table | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && opts.optional) return undefined;
    throw new ConfigError([`${file}: cannot read (${code ?? (err instanceof Error ? err.message : String(err))})`]);
  }
  return parseToml(text, file);
}
