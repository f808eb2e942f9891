// The Dockerfile, its entrypoint and the compose file, checked as files. They are also built and
// run for real by `npm run test:container` (scripts/container-test.sh, podman; needs root).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';

const dockerfile = readFileSync('Dockerfile', 'utf8');

void describe('Dockerfile', () => {
  void it('is multi-stage on a Node LTS slim base (a build argument), checks /ready, exposes 8000', () => {
    assert.match(dockerfile, /^ARG BASE_IMAGE=node:(20|22|24)[^ ]*slim$/m, 'the base can be swapped for a local stand-in in tests');
    const froms = [...dockerfile.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)];
    assert.ok(froms.length >= 2, 'a build stage and a runtime stage');
    for (const f of froms) assert.equal(f[1], '${BASE_IMAGE}');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM'));
    assert.match(runtime, /npm ci --omit=dev/);
    assert.match(runtime, /^HEALTHCHECK .*\n?.*\/ready/m);
    assert.match(runtime, /^EXPOSE 8000$/m);
    assert.match(runtime, /DATA_DIR=\/app\/data/);
    assert.match(runtime, /^VOLUME \["\/app\/data"\]/m);
    assert.match(runtime, /^ENTRYPOINT \["\/usr\/local\/bin\/docker-entrypoint\.sh"\]/m);
    assert.match(runtime, /^COPY scripts\/docker-entrypoint\.sh \/usr\/local\/bin\/docker-entrypoint\.sh$/m);
    assert.match(runtime, /^CMD \["node", "dist\/src\/main\.js"\]/m);
  });

  void it('has an entrypoint that gives DATA_DIR to node and runs the gateway as node, in POSIX sh', () => {
    const script = readFileSync('scripts/docker-entrypoint.sh', 'utf8');
    assert.match(script, /^#!\/bin\/sh\n/);
    assert.equal(spawnSync('sh', ['-n', 'scripts/docker-entrypoint.sh']).status, 0, 'parses as sh');
    assert.match(script, /chown -h node:node/);
    assert.match(script, /exec setpriv --reuid=node --regid=node --init-groups -- "\$@"/);
    assert.match(script, /^exec "\$@"$/m, 'as another user: the gateway itself reports an unwritable DATA_DIR');
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
  interface Service {
    env_file?: string;
    environment?: Record<string, string>;
    depends_on?: Record<string, { condition?: string; required?: boolean }>;
    healthcheck?: { test: string[] };
    ports?: string[];
    volumes?: string[];
    restart?: string;
    profiles?: string[];
    stop_grace_period?: string;
    image?: string;
  }
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
  const gw = compose.services.grok2api;

  void it('passes the whole .env to the gateway, overriding none of it', () => {
    assert.equal(gw?.env_file, '.env');
    assert.equal(gw?.environment, undefined, 'an environment: list would override .env with interpolated values');
  });

  void it('publishes 8000, mounts ./data, checks /ready, restarts, and has redis/mysql profiles', () => {
    assert.ok(gw?.ports?.some((p) => p.endsWith(':8000')));
    assert.ok(gw?.volumes?.includes('./data:/app/data'));
    assert.match(gw?.healthcheck?.test.join(' ') ?? '', /\/ready/);
    assert.equal(gw?.restart, 'unless-stopped');
    assert.deepEqual(compose.services.redis?.profiles, ['redis']);
    assert.deepEqual(compose.services.mysql?.profiles, ['mysql']);
  });

  void it('gives Redis and MySQL their own named volumes and health checks; the gateway waits for them when their profile is on', () => {
    for (const [name, mount] of [['redis', '/data'], ['mysql', '/var/lib/mysql']] as const) {
      const s = compose.services[name];
      const volume = s?.volumes?.find((v) => v.endsWith(`:${mount}`))?.split(':')[0] ?? '';
      assert.ok(volume && !volume.startsWith('.') && !volume.startsWith('/'), `${name} has a named volume, not a path under ./data`);
      assert.ok(volume in (compose.volumes ?? {}), `${volume} is declared`);
      assert.ok((s?.healthcheck?.test.length ?? 0) > 1, `${name} has a healthcheck`);
      assert.deepEqual(gw?.depends_on?.[name], { condition: 'service_healthy', required: false });
    }
  });

  void it('gives graceful shutdown time: stop_grace_period exceeds server.shutdown_timeout', () => {
    const grace = /^(\d+)s$/.exec(gw?.stop_grace_period ?? '')?.[1];
    const timeout = /^shutdown_timeout = (\d+)$/m.exec(readFileSync('config.defaults.toml', 'utf8'))?.[1];
    assert.ok(grace && timeout, 'both are set');
    assert.ok(Number(grace) >= Number(timeout) + 10, `stop_grace_period ${grace}s vs shutdown_timeout ${timeout}s`);
  });
});
