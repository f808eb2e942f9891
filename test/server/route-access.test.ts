// Walks every route in Fastify's route table and, for each one that needs a credential (/v1/*
// the API key, /api/* an admin session except the login itself, /metrics its token), sends odd
// spellings of its path over a real socket without the credential: percent-encoded letters
// (`/%761/models` is routed like `/v1/models`), duplicate slashes, dot segments, other case,
// trailing slashes, `%2F`. Each must either reach no route (404) or still demand the credential.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../e2e/harness.js';
import { portOf, rawRequest, type RawResponse } from './raw-http.js';

interface Route {
  path: string;
  methods: string[];
}

/** The routes of `app.printRoutes({ commonPrefix: false })`: one per line, children indented under parents. */
function routesFromTree(tree: string): Route[] {
  const routes: Route[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    // A node without methods is only a shared prefix: it still extends its children's paths.
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    const path = (depth === 0 ? '' : (stack[depth - 1] as string)) + (m[2] as string);
    stack[depth] = path;
    stack.length = depth + 1;
    if (m[3] !== undefined) routes.push({ path, methods: m[3].split(', ') });
  }
  return routes;
}

const PUBLIC = new Set(['/health', '/ready', '/api/login', '/images/:name', '/videos/:name']);
const isPublic = (path: string): boolean => PUBLIC.has(path) || path === '/manage' || path.startsWith('/manage/') || path === '/manage*';

/** A concrete path for a route pattern (`:id` → a value, `*` → a file name). */
const concrete = (pattern: string): string => pattern.replace(/:[A-Za-z]+/g, 'x1').replace(/\*$/, 'x');

const pct = (ch: string): string => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/** Odd spellings of `path` (`/v1/models`); each one is sent as is. */
function variants(path: string): string[] {
  const segs = path.split('/').slice(1);
  const first = segs[0] as string;
  const rest = segs.slice(1).join('/');
  const tail = rest === '' ? '' : `/${rest}`;
  const out = [
    `/${pct(first[0] as string)}${first.slice(1)}${tail}`, // /%761/models
    `/${first.slice(0, -1)}${pct(first.at(-1) as string)}${tail}`, // /v%31/models
    `/${[...first].map(pct).join('')}${tail}`, // /%76%31/models
    `/${segs.map((s) => (s === '' ? s : `${pct(s[0] as string)}${s.slice(1)}`)).join('/')}`, // every segment
    `/${pct(first[0] as string).toLowerCase()}${first.slice(1)}${tail}`,
    path.toUpperCase(),
    `/${first.toUpperCase()}${tail}`,
    `/${first[0]?.toUpperCase()}${first.slice(1)}${tail}`,
    `/${path}`, // //v1/models
    `${path.replace(/^\/[^/]+/, (s) => `${s}/`)}`, // /v1//models
    `/x/..${path}`,
    `/x/%2e%2e${path}`,
    `/.${path}`,
    `/${first}/.${tail}`,
    `${path}/`,
    `${path}//`,
    `${path}/.`,
    `${path}%2F`,
    `/${first}%2F${rest}`,
    `/${first}%2f${rest}`,
    `${path};x`,
    `${path}%00`,
    `/${first}%5C${rest}`,
  ];
  return [...new Set(out)].filter((v) => v !== path);
}

const API_KEY = 'sk-test-harness-key-000000';
const METRICS_TOKEN = 'metrics-token-route-walk-0001';

void describe('every protected route still demands its credential under odd spellings of its path', () => {
  let h: Harness;
  let port: number;
  before(async () => {
    h = await startHarness({
      apiKey: API_KEY,
      env: { GROK2API_ADMIN_PASSWORD: 'route-walk-admin-password' },
      overrides: { metrics: { enabled: true, token: METRICS_TOKEN } },
    });
    port = portOf(h.baseURL);
  });
  after(async () => {
    await h.close();
  });

  const send = (method: string, path: string): Promise<RawResponse> =>
    method === 'POST' || method === 'PUT' || method === 'PATCH'
      ? rawRequest(port, method, path, { 'content-type': 'application/json' }, JSON.stringify({ model: 'grok-chat-fast', messages: [{ role: 'user', content: 'hi' }], prompt: 'x' }))
      : rawRequest(port, method, path);

  void it('walks the route table', async () => {
    const routes = routesFromTree(h.gw.app.printRoutes({ commonPrefix: false }));
    const protectedRoutes = routes.filter((r) => !isPublic(r.path));
    // The table really is the app's: the API, admin and metrics routes are all in it.
    for (const must of ['/v1/models', '/v1/models/:id', '/v1/chat/completions', '/v1/images/generations', '/v1/videos', '/v1/videos/:id/content', '/api/tokens', '/api/cache/clear', '/metrics', '/mcp']) {
      assert.ok(protectedRoutes.some((r) => r.path === must), `${must} is in the walked table`);
    }
    assert.ok(protectedRoutes.length >= 30, `${protectedRoutes.length} protected routes`);

    const failures: string[] = [];
    let sent = 0;
    for (const route of protectedRoutes) {
      const path = concrete(route.path);
      for (const method of route.methods) {
        // The plain spelling without the credential: 401, so the route is indeed protected.
        const plain = await send(method, path);
        if (plain.status !== 401) failures.push(`${method} ${path} (plain, no credential) → ${plain.status}`);
        for (const v of variants(path)) {
          const res = await send(method, v);
          sent++;
          const badUrl = res.status === 400 && (method === 'HEAD' || /"code":"invalid_url"/.test(res.body));
          if (res.status !== 401 && res.status !== 404 && !badUrl) failures.push(`${method} ${v} → ${res.status} ${res.body.slice(0, 120)}`);
        }
      }
    }
    assert.ok(sent > 500, `${sent} variant requests sent`);
    assert.deepEqual(failures, []);
  });

  void it('decides by the matched route: an encoded spelling with the key is served, logged and gets its scope headers', async () => {
    const ok = await rawRequest(port, 'GET', '/%761/models', { authorization: `Bearer ${API_KEY}`, origin: 'https://x.example' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], '*', 'CORS comes from the /v1 scope');
    const admin = await rawRequest(port, 'GET', '/%61pi/session');
    assert.equal(admin.status, 401);
    assert.match(String(admin.headers['content-security-policy']), /default-src 'self'/, 'the admin scope sets its CSP');
    assert.equal(admin.headers['access-control-allow-origin'], undefined);
    // The call log keeps API calls (by route), whatever the spelling.
    let seen = false;
    for (let i = 0; i < 50 && !seen; i++) {
      seen = h.gw.callLog.query({}, 1, 50).items.some((r) => r.endpoint === '/%761/models' && r.status === 200);
      if (!seen) await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(seen, 'the encoded call is in the call log');
  });
});
