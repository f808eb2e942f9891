// /manage serving without a browser: the redirect, files from the built directory with their cache
// headers, 404 for what the build did not write, and a plain answer when the console is not built.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerConsole } from '../../src/server/console-routes.js';

void describe('console routes', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'g2a-console-routes-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'app-ABCDEFGH.js'), 'console.log(1)');
    writeFileSync(join(dir, '.secret'), 'no');
    app = Fastify();
    await registerConsole(app, dir);
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('redirects /manage to /manage/ (keeping a query)', async () => {
    const res = await app.inject('/manage');
    assert.equal(res.statusCode, 302);
    assert.equal(res.headers.location, '/manage/');
    assert.equal((await app.inject('/manage?x=1')).headers.location, '/manage/?x=1');
  });

  void it('serves index.html revalidated and hashed assets cached for good', async () => {
    const index = await app.inject('/manage/');
    assert.equal(index.statusCode, 200);
    assert.match(index.body, /<title>console/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    const js = await app.inject('/manage/app-ABCDEFGH.js');
    assert.equal(js.statusCode, 200);
    assert.match(String(js.headers['cache-control']), /immutable/);
  });

  void it('answers 404 for files the build did not write, dotfiles and path escapes', async () => {
    assert.equal((await app.inject('/manage/missing.js')).statusCode, 404);
    assert.notEqual((await app.inject('/manage/.secret')).statusCode, 200);
    assert.notEqual((await app.inject('/manage/../package.json')).statusCode, 200);
  });

  void it('says how to build the console when it is not built', async () => {
    const bare = Fastify();
    await registerConsole(bare, undefined);
    const res = await bare.inject('/manage/');
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /npm run build/);
    await bare.close();
  });
});
