// Golden outputs of /v1/chat/completions over the mgw WebSocket transport: every recorded frame fixture
// (test/fixtures/mgw/*.jsonl), streamed and not, as the client receives it. UPDATE_GOLDEN=1 rewrites.
import { readdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startFakeGrok, type FakeGrok } from '../fake-grok/index.js';
import { chatGolden } from './chat-replay.js';
import { expectGolden } from './golden-file.js';

const FIXTURES = new URL('../fixtures/mgw/', import.meta.url);
const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl')).sort();

void describe('golden: chat completions over mgw replays', () => {
  let sim: FakeGrok;
  before(async () => {
    sim = await startFakeGrok({ tokenDelayMs: 0 });
  });
  after(async () => {
    await sim.close();
  });

  for (const name of names) {
    const base = name.replace(/\.jsonl$/, '');
    void it(`${name}: JSON body`, async () => {
      expectGolden(`chat-mgw/${base}.json.txt`, await chatGolden(sim, 'mgw', new URL(name, FIXTURES), false));
    });
    void it(`${name}: SSE stream`, async () => {
      expectGolden(`chat-mgw/${base}.sse.txt`, await chatGolden(sim, 'mgw', new URL(name, FIXTURES), true));
    });
  }
});
