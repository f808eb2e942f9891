// `npm run doctor` as an operator runs it: the script, spawned against the simulator through the
// configuration's environment variables, with a healthy account, a dead one and one whose turn
// fails after the upgrade. Asserts the printed steps and the exit code, and that the cookie never
// appears whole.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';

const GOOD = 'sso-doctor-good-token-0001';
const DEAD = 'sso-doctor-dead-token-0002';
const RATE = 'sso-doctor-rate-token-0003';

function runDoctor(sim: FakeGrok, dataDir: string, env: Record<string, string>, stdin?: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, GROK2API_GROK_BASE_URL: sim.baseUrl, GROK2API_GROK_ASSETS_URL: sim.assetsUrl, GROK2API_GROK_WS_URL: sim.wsUrl, GROK2API_DOCTOR_SSO: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
    child.stdin.end(stdin ?? '');
  });
}

void describe('npm run doctor', () => {
  let sim: FakeGrok;
  let dataDir: string;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 1, tokens: { [GOOD]: {}, [DEAD]: { status: 401 }, [RATE]: { status: 429, fateAt: 'event' } } });
    dataDir = mkdtempSync(join(tmpdir(), 'g2a-doctor-'));
  });
  after(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('a healthy account: all four steps ok, the mgw events in order with timings, exit 0', async () => {
    const r = await runDoctor(sim, dataDir, { GROK2API_DOCTOR_SSO: GOOD });
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /\[1\/4\] session lookup GET \/api\/auth\/session: ok 200 in \d+ ms, userId [0-9a-f]{8}…/);
    assert.match(r.out, /handshake: HTTP 101 in \d+ ms/);
    const names = [...r.out.matchAll(/^\s+\+\s*\d+ ms {2}(\S+)/gm)].map((m) => m[1]);
    assert.deepEqual(names.slice(0, 2), ['session.created', 'conversation.attached']);
    assert.ok(names.includes('response.chunk'));
    assert.equal(names[names.length - 1], 'response.done');
    assert.match(r.out, /first response\.chunk: \d+ ms; response\.done status: completed; ended: done/);
    assert.match(r.out, /\[3\/4\] POST \/rest\/rate-limits \(auto\): ok 200/);
    assert.match(r.out, /\[4\/4\] POST \/rest\/media\/imagine\/quota_info: ok 200 in \d+ ms, image_pro=/);
    assert.match(r.out, /result: 4\/4 steps ok/);
    // The simulator speaks today's protocol: every message of the four steps matched.
    assert.match(r.out, /protocol drift: none/);
    assert.ok(!r.out.includes(GOOD), 'the cookie is never printed whole');
    assert.match(r.out, /sso=sso-do\*+0001/);
  });

  void it('a dead cookie (from stdin): the lookup fails as invalid-credential, the turn is skipped, exit 1', async () => {
    const r = await runDoctor(sim, dataDir, {}, `${DEAD}\n`);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /\[1\/4\] session lookup GET \/api\/auth\/session: FAILED in \d+ ms: invalid-credential, status 401/);
    assert.match(r.out, /\[2\/4\] mgw turn: SKIPPED/);
    assert.match(r.out, /\[3\/4\] POST \/rest\/rate-limits \(auto\): FAILED/);
    assert.match(r.out, /result: 0\/4 steps ok/);
    assert.ok(!r.out.includes(DEAD) && !r.err.includes(DEAD));
  });

  void it('a rate-limited account: the turn shows the error event after the upgrade, exit 1', async () => {
    const r = await runDoctor(sim, dataDir, { GROK2API_DOCTOR_SSO: RATE });
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /handshake: HTTP 101/);
    assert.match(r.out, /error event: code 8/);
    assert.match(r.out, /ended: error event/);
    assert.match(r.out, /\s+FAILED\n/);
  });

  void it('no cookie at all: usage on stderr, exit 2', async () => {
    const r = await runDoctor(sim, dataDir, {});
    assert.equal(r.code, 2);
    assert.match(r.err, /usage: GROK2API_DOCTOR_SSO=/);
  });
});
