// Golden outputs of /v1/images/generations over the imagine WebSocket: every recorded frame fixture
// (test/fixtures/imagine/*.jsonl) replayed by the simulator's imagine socket, through a fresh
// gateway per call, as the client receives it (b64_json and url formats). UPDATE_GOLDEN=1 rewrites.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startHarness } from '../e2e/harness.js';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { expectGolden, goldenText } from './golden-file.js';

const FIXTURES = new URL('../fixtures/imagine/', import.meta.url);
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')).sort();
const API_KEY = 'sk-golden-key-0000000000';

async function imagesGolden(sim: FakeGrok, name: string, format: 'b64_json' | 'url'): Promise<string> {
  const token = `sso-golden-imagine-${format}-${name.replace(/[^a-z0-9]/gi, '-')}-0000000000`;
  sim.setToken(token, { replay: fileURLToPath(new URL(name, FIXTURES)) });
  const h = await startHarness({
    tokens: [token],
    apiKey: API_KEY,
    overrides: {
      accounts: { sync_on_import: false, default_tier: 'heavy' },
      // One round: a short fixture must not send the gateway into more rounds on the same account.
      image: { use_ws: true, round_timeout: 5, idle_timeout: 1 },
    },
  }, sim);
  try {
    const res = await h.gw.app.inject({
      method: 'POST',
      url: '/v1/images/generations',
      headers: { host: 'gateway.golden.test', authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model: 'grok-imagine-image', prompt: 'a red fox in snow', n: 2, response_format: format }),
    });
    const type = res.headers['content-type'];
    return goldenText(res.statusCode, typeof type === 'string' ? type : undefined, res.body);
  } finally {
    await h.close();
  }
}

void describe('golden: images over imagine WebSocket replays', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0 });
  });
  after(async () => {
    await sim.close();
  });

  for (const name of names) {
    const base = name.replace(/\.jsonl$/, '');
    for (const format of ['b64_json', 'url'] as const) {
      void it(`${name}: ${format}`, async () => {
        expectGolden(`images-imagine/${base}.${format}.json.txt`, await imagesGolden(sim, name, format));
      });
    }
  }
});
