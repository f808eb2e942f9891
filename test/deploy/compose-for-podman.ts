// Used by scripts/container-test.sh: prints docker-compose.yml as podman-compose 1.0.3 (Debian
// bookworm's) must be given it on a machine without registry access or container networking.
// podman-compose 1.0.3 ignores `profiles` and `depends_on` conditions, so the profile selection is
// done here the way Docker Compose does it: services without profiles or with an active one stay;
// a `depends_on` entry on a service left out is dropped when it says `required: false` and is an
// error otherwise. Then the test's substitutions: local stand-in images, the host network
// (127.0.0.1 only), Redis on a free port (the machine's own Redis has 6379). Everything else (the
// env_file, volumes, healthchecks, stop_grace_period, restart) is passed on unchanged.
// Usage: tsx test/deploy/compose-for-podman.ts --profile redis --redis-image IMG --redis-port N
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

interface Service {
  profiles?: string[];
  depends_on?: string[] | Record<string, { condition?: string; required?: boolean }>;
  image?: string;
  build?: unknown;
  command?: string[];
  healthcheck?: { test: string[] };
  network_mode?: string;
  ports?: string[];
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function selectProfiles(compose: Compose, active: string[]): Compose {
  const on = (s: Service): boolean => !s.profiles || s.profiles.some((p) => active.includes(p));
  const services: Record<string, Service> = {};
  for (const [name, s] of Object.entries(compose.services)) if (on(s)) services[name] = { ...s };
  for (const [name, s] of Object.entries(services)) {
    if (!s.depends_on) continue;
    const deps = Array.isArray(s.depends_on) ? Object.fromEntries(s.depends_on.map((d) => [d, {}])) : { ...s.depends_on };
    for (const [dep, cond] of Object.entries(deps)) {
      if (services[dep]) continue;
      if ((cond as { required?: boolean }).required !== false) throw new Error(`service ${name} depends on ${dep}, which the active profiles leave out`);
      delete deps[dep];
    }
    s.depends_on = deps;
  }
  return { ...compose, services };
}

function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (v === undefined) throw new Error(`--${name} is required`);
  return v;
}

const compose = selectProfiles(parse(readFileSync('docker-compose.yml', 'utf8')) as Compose, [arg('profile')]);
for (const s of Object.values(compose.services)) {
  s.network_mode = 'host';
  delete s.ports; // meaningless on the host network (podman warns and drops them)
  delete s.build; // the image is built by the test with the stand-in base (--no-build)
}
const redis = compose.services.redis;
if (redis) {
  const port = arg('redis-port');
  redis.image = arg('redis-image');
  redis.command = [...(redis.command ?? ['redis-server']), '--port', port, '--bind', '127.0.0.1'];
  // The compose file's own check (`redis-cli ping`), pointed at that port. None stays none (the
  // test then fails on it).
  if (redis.healthcheck) {
    const test = redis.healthcheck.test;
    if (test.join(' ') !== 'CMD redis-cli ping') throw new Error(`unexpected redis healthcheck ${JSON.stringify(test)}`);
    redis.healthcheck = { ...redis.healthcheck, test: ['CMD', 'redis-cli', '-p', port, 'ping'] };
  }
}
process.stdout.write(`${JSON.stringify(compose, null, 2)}\n`);
