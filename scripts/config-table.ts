// Generates the README's configuration table from config.defaults.toml (the single source of
// truth): `npx tsx scripts/config-table.ts --write` refreshes README.md between its markers.
// test/docs/readme-config.test.ts fails when the README drifts from the defaults.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { documentedKeys } from '../src/config/documented-keys.js';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

export function configTable(toml: string): string {
  const rows: string[] = ['| Key | Environment variable | Default | What it does |', '| --- | --- | --- | --- |'];
  for (const d of documentedKeys(toml)) {
    const env = `GROK2API_${d.key.replace('.', '_').toUpperCase()}`;
    rows.push(`| \`${d.key}\` | \`${env}\` | \`${d.raw.replace(/\|/g, '\\|')}\` | ${d.comment.replace(/\|/g, '\\|')} |`);
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
