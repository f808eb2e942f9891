// Golden outputs of /v1/chat/completions over the REST transport: every recorded NDJSON fixture
// (test/fixtures/ndjson/), streamed and not, as the client receives it. UPDATE_GOLDEN=1 rewrites.
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { chatGolden } from './chat-replay.js';
import { expectGolden } from './golden-file.js';

const FIXTURES = new URL('../fixtures/ndjson/', import.meta.url);
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.ndjson')).sort();

void describe('golden: chat completions over REST replays', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0 });
  });
  after(async () => {
    await sim.close();
  });

  for (const name of names) {
    const base = name.replace(/\.ndjson$/, '');
    void it(`${name}: JSON body`, async () => {
      expectGolden(`chat-rest/${base}.json.txt`, await chatGolden(sim, 'rest', new URL(name, FIXTURES), false));
    });
    void it(`${name}: SSE stream`, async () => {
      expectGolden(`chat-rest/${base}.sse.txt`, await chatGolden(sim, 'rest', new URL(name, FIXTURES), true));
    });
  }
});
