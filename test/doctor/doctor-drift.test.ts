// The doctor prints the protocol-drift signatures its calls met: the simulator sends a new mgw
// event type in the doctor's turn, and the report names it (and still passes: the change is additive).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';

const TOKEN = 'sso-doctor-drift-token-0001';

void describe('doctor: protocol drift in its calls', () => {
  let sim: FakeGrok;
  let dataDir: string;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 1, tokens: { [TOKEN]: {} } });
    dataDir = mkdtempSync(join(tmpdir(), 'g2a-doctor-drift-'));
  });
  after(async () => {
    await sim.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  void it('prints the new event type the simulator sent', async () => {
    const { config } = loadConfig({ env: { GROK2API_GROK_BASE_URL: sim.baseUrl, GROK2API_GROK_ASSETS_URL: sim.assetsUrl, GROK2API_GROK_WS_URL: sim.wsUrl }, dataDir });
    const lines: string[] = [];
    const ok = await runDoctor({ config, token: TOKEN, print: (l) => lines.push(l), prompt: 'ok [sim:extra-event=response.memory.updated]' });
    const out = lines.join('\n');
    assert.equal(ok, true, out);
    assert.match(out, /protocol drift: 1 signature\(s\)/);
    assert.match(out, /^ {2}unknown-event mgw response\.memory\.updated object ×1$/m);
  });
});
