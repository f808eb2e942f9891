// The Dockerfile and compose file cannot be run here (no Docker engine), so their structure is
// checked instead: stages, user, health check, port, and that every setting reaches the gateway.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

const dockerfile = readFileSync('Dockerfile', 'utf8');

void describe('Dockerfile', () => {
  void it('is multi-stage on a Node LTS slim base, runs as non-root, checks /ready, exposes 8000', () => {
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
    assert.ok(froms.length >= 2, 'a build stage and a runtime stage');
    for (const f of froms) assert.match(f[1] ?? '', /^node:(20|22|24)[^ ]*slim/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM'));
    assert.match(runtime, /npm ci --omit=dev/);
    assert.match(runtime, /^USER\s+(?!root)\S+/m);
    assert.match(runtime, /^HEALTHCHECK .*\n?.*\/ready/m);
    assert.match(runtime, /^EXPOSE 8000$/m);
    assert.match(runtime, /DATA_DIR=\/app\/data/);
    assert.match(runtime, /^VOLUME \["\/app\/data"\]/m);
    assert.match(runtime, /^CMD \["node", "dist\/src\/main\.js"\]/m);
  });

  void it('copies only files that exist (dist after npm run build)', () => {
    for (const m of dockerfile.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)) {
      for (const src of (m[1] ?? '').split(/\s+/)) assert.ok(existsSync(src), `COPY source ${src} exists`);
    }
    const start = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { build: string } };
    assert.match(start.scripts.build, /tsc -p tsconfig\.build\.json/);
    const cfg = JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { outDir: string; rootDir: string } };
    assert.equal(cfg.compilerOptions.outDir, 'dist');
    assert.equal(cfg.compilerOptions.rootDir, '.', 'so src/main.ts builds to dist/src/main.js');
    assert.ok(existsSync('src/main.ts'));
  });
});

void describe('docker-compose.yml', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
    services: Record<string, { environment?: Record<string, string>; healthcheck?: { test: string[] }; ports?: string[]; volumes?: string[]; restart?: string; profiles?: string[]; stop_grace_period?: string }>;
  };
  const gw = compose.services.grok2api;

  void it('passes every variable of .env.example to the gateway', () => {
    assert.ok(gw?.environment);
    const vars = readFileSync('.env.example', 'utf8')
      .split('\n')
      .map((l) => /^([A-Z][A-Z0-9_]*)=/.exec(l)?.[1])
      .filter((v): v is string => Boolean(v));
    assert.ok(vars.includes('GROK2API_SSO_TOKENS') && vars.includes('STORAGE_MODE'));
    for (const v of vars) {
      assert.equal(gw.environment[v], `\${${v}:-${v === 'STORAGE_MODE' ? 'file' : v === 'GROK2API_LOG_LEVEL' ? 'info' : ''}}`, `${v} reaches the gateway`);
    }
  });

  void it('publishes 8000, mounts ./data, checks /ready, restarts, and has redis/mysql profiles', () => {
    assert.ok(gw?.ports?.some((p) => p.endsWith(':8000')));
    assert.ok(gw?.volumes?.includes('./data:/app/data'));
    assert.match(gw?.healthcheck?.test.join(' ') ?? '', /\/ready/);
    assert.equal(gw?.restart, 'unless-stopped');
    assert.deepEqual(compose.services.redis?.profiles, ['redis']);
    assert.deepEqual(compose.services.mysql?.profiles, ['mysql']);
  });

  void it('gives graceful shutdown time: stop_grace_period exceeds server.shutdown_timeout', () => {
    const grace = /^(\d+)s$/.exec(gw?.stop_grace_period ?? '')?.[1];
    const timeout = /^shutdown_timeout = (\d+)$/m.exec(readFileSync('config.defaults.toml', 'utf8'))?.[1];
    assert.ok(grace && timeout, 'both are set');
    assert.ok(Number(grace) >= Number(timeout) + 10, `stop_grace_period ${grace}s vs shutdown_timeout ${timeout}s`);
  });
});
