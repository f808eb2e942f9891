// .env.example is generated from config.defaults.toml like the README's configuration table: every
// GROK2API_* variable the README documents is in it, with its default, and nothing it names is
// unknown to the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { envExample } from '../../scripts/env-example.js';
import { readEnvLayer } from '../../src/config/env-layer.js';

const example = readFileSync('.env.example', 'utf8');

void describe('.env.example', () => {
  void it('is what config.defaults.toml generates (npm run docs:config)', () => {
    assert.equal(example, envExample(readFileSync('config.defaults.toml', 'utf8')));
  });

  void it('lists every GROK2API_* variable of the README, set or commented out', () => {
    const readme = readFileSync('README.md', 'utf8');
    const documented = new Set([...readme.matchAll(/`(GROK2API_[A-Z0-9_]+)`/g)].map((m) => m[1] as string));
    assert.ok(documented.size > 50, `the README table lists the variables (${documented.size})`);
    const listed = new Set([...example.matchAll(/^(?:# )?(GROK2API_[A-Z0-9_]+)=/gm)].map((m) => m[1] as string));
    for (const v of documented) assert.ok(listed.has(v), `${v} is in .env.example`);
  });

  void it('names only variables the gateway reads, and each default it shows is accepted as it is', () => {
    const lines = [...example.matchAll(/^(?:# )?(GROK2API_[A-Z0-9_]+)=(.*)$/gm)];
    const env = Object.fromEntries(lines.map((m) => [m[1] as string, m[2] as string]));
    const { warnings } = readEnvLayer(env);
    assert.deepEqual(warnings, [], 'every variable matches a configuration key');
  });
});
