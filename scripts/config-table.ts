// Generates the README's configuration table from config.defaults.toml (the single source of
// truth): `npx tsx scripts/config-table.ts --write` refreshes README.md between its markers.
// test/docs/readme-config.test.ts fails when the README drifts from the defaults.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function configTable(toml: string): string {
  const rows: string[] = ['| Key | Environment variable | Default | What it does |', '| --- | --- | --- | --- |'];
  let section = '';
  let comment: string[] = [];
  for (const raw of toml.split('\n')) {
    const line = raw.trim();
    const sec = /^\[([a-z_]+)\]$/.exec(line);
    if (sec) {
      section = sec[1] ?? '';
      comment = [];
      continue;
    }
    if (line.startsWith('[[')) {
      section = '';
      continue;
    }
    if (line.startsWith('#')) {
      comment.push(line.replace(/^#\s?/, ''));
      continue;
    }
    const kv = /^([a-z_]+)\s*=\s*(.+)$/.exec(line);
    if (kv && section) {
      const key = `${section}.${kv[1] ?? ''}`;
      const env = `GROK2API_${section.toUpperCase()}_${(kv[1] ?? '').toUpperCase()}`;
      const text = comment.join(' ').replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();
      rows.push(`| \`${key}\` | \`${env}\` | \`${(kv[2] ?? '').replace(/\|/g, '\\|')}\` | ${text} |`);
    }
    if (!line.startsWith('#')) comment = [];
  }
  return rows.join('\n');
}

export function readmeWithTable(readme: string, table: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error('README.md lacks the config-table markers');
  return `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = new URL('../', import.meta.url);
  const table = configTable(readFileSync(new URL('config.defaults.toml', root), 'utf8'));
  if (process.argv.includes('--write')) {
    const p = new URL('README.md', root);
    writeFileSync(p, readmeWithTable(readFileSync(p, 'utf8'), table));
  } else console.log(table);
}
