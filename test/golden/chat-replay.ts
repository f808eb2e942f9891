// Runs one recorded upstream fixture through the real gateway: the simulator replays the file over
// its real socket (REST stream or mgw WebSocket), a fresh gateway per call (so one fixture's
// account effect, e.g. a rate-limit cooldown, cannot change the next one's answer) asks it through
// /v1/chat/completions with Fastify inject(), and the response is returned as golden text.
import { fileURLToPath } from 'node:url';
import { startHarness } from '../e2e/harness.js';
import type { FakeGrok } from '../fake-grok/index.js';
import { goldenText } from './golden-file.js';

export type ChatTransport = 'rest' | 'mgw';
const API_KEY = 'sk-golden-key-0000000000';
/** A fixed Host, so URLs the gateway builds from the request are the same on every run. */
const HOST = 'gateway.golden.test';
/**
 * Images Grok drew are linked as Grok's asset URLs (media.format "upstream") under a fixed asset
 * origin: a cache link's random name would change the answer's estimated completion_tokens from
 * run to run. The cached-copy links are checked in test/e2e/chat-generated-images.test.ts.
 */
const ASSETS = 'https://assets.golden.test';

/** The model a fixture is asked through: heavy for the multi-agent one, expert (reasons) otherwise. */
export function modelFor(fixture: string): string {
  return fixture.startsWith('heavy') ? 'grok-chat-heavy' : 'grok-chat-expert';
}

export async function chatGolden(sim: FakeGrok, transport: ChatTransport, fixture: URL, stream: boolean): Promise<string> {
  const name = fileURLToPath(fixture).split('/').pop() ?? '';
  // One token per call: the simulator's per-token state (quota, replay file) starts clean.
  const token = `sso-golden-${transport}-${stream ? 's' : 'j'}-${name.replace(/[^a-z0-9]/gi, '-')}-0000000000`;
  sim.setToken(token, { replay: fileURLToPath(fixture) });
  const h = await startHarness({
    tokens: [token],
    apiKey: API_KEY,
    overrides: {
      accounts: { sync_on_import: false, default_tier: 'heavy' },
      media: { format: 'upstream' },
      grok: { assets_url: ASSETS, ...(transport === 'rest' ? { chat_transport: 'rest' } : {}) },
    },
  }, sim);
  try {
    const res = await h.gw.app.inject({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: { host: HOST, authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ model: modelFor(name), messages: [{ role: 'user', content: 'hi' }], stream }),
    });
    const type = res.headers['content-type'];
    return goldenText(res.statusCode, typeof type === 'string' ? type : undefined, res.body);
  } finally {
    await h.close();
  }
}
