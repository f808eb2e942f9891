// kill -9 right after an admin write's 200: the gateway restarted on the same data directory has
// the tokens that were added and not the ones that were deleted (file store, the real entry point).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { accountIdFor } from '../../src/accounts/index.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

const PASSWORD = 'durability-test-password-1';
const TOKENS = ['sso-kill-token-0001-abc', 'sso-kill-token-0002-abc', 'sso-kill-token-0003-abc', 'sso-kill-token-0004-abc'];

async function admin(gp: GatewayProcess, token: string | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gp.url}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function session(gp: GatewayProcess): Promise<string> {
  const res = await admin(gp, undefined, 'POST', '/api/login', { username: 'admin', password: PASSWORD, bearer: true });
  assert.equal(res.status, 200, JSON.stringify(res.json));
  return res.json.token as string;
}

async function kill9(gp: GatewayProcess): Promise<void> {
  gp.child.kill('SIGKILL');
  assert.equal(await gp.exited, 'SIGKILL');
}

async function storedIds(gp: GatewayProcess, token: string): Promise<Set<string>> {
  const list = await admin(gp, token, 'GET', '/api/tokens?page_size=100');
  assert.equal(list.status, 200);
  return new Set((list.json.items as Array<{ id: string }>).map((i) => i.id));
}

void describe('admin writes survive kill -9 right after the answer (file store)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'g2a-admin-kill-'));
    env = {
      DATA_DIR: dataDir,
      GROK2API_ADMIN_PASSWORD: PASSWORD,
      GROK2API_GROK_BASE_URL: 'http://127.0.0.1:9',
      GROK2API_ACCOUNTS_SYNC_ON_IMPORT: 'false',
      // Far longer than the test: only the admin path's own flush can have written anything.
      GROK2API_ACCOUNTS_FLUSH_INTERVAL: '30',
      GROK2API_LOG_LEVEL: 'warn',
    };
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  void it('keeps added tokens and does not bring deleted ones back', { timeout: 90_000 }, async () => {
    const ids = TOKENS.map(accountIdFor);
    let gp = await startGatewayProcess(env);
    try {
      const s = await session(gp);
      const add = await admin(gp, s, 'POST', '/api/tokens/add', { text: TOKENS.join('\n') });
      assert.equal(add.status, 200);
      assert.equal(add.json.added, 4);
    } finally {
      await kill9(gp);
    }

    gp = await startGatewayProcess(env);
    try {
      const s = await session(gp);
      const have = await storedIds(gp, s);
      for (const id of ids) assert.ok(have.has(id), `${id} survived the kill`);
      const del = await admin(gp, s, 'POST', '/api/tokens/delete', { ids });
      assert.equal(del.status, 200);
      assert.equal(del.json.deleted, 4);
    } finally {
      await kill9(gp);
    }

    gp = await startGatewayProcess(env);
    try {
      const have = await storedIds(gp, await session(gp));
      for (const id of ids) assert.equal(have.has(id), false, `${id} stayed deleted`);
    } finally {
      await kill9(gp);
    }
  });
});
