// The README's configuration table is generated from config.defaults.toml; this keeps it true.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configTable, readmeWithTable } from '../../scripts/config-table.js';

void describe('README', () => {
  void it('has the configuration table of config.defaults.toml (npx tsx scripts/config-table.ts --write)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const table = configTable(readFileSync('config.defaults.toml', 'utf8'));
    assert.equal(readme, readmeWithTable(readme, table));
  });

  void it('names npm test as the test command, which .ci/run calls', () => {
    const readme = readFileSync('README.md', 'utf8');
    assert.match(readme, /npm test/);
    assert.match(readFileSync('.ci/run', 'utf8'), /^npm test$/m);
  });
});
