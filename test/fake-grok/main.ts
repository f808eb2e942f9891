// `npm run sim`: a standalone simulator for local demos and benchmarks. Accepts any token.
// Env: FAKE_GROK_PORT (default 9100), FAKE_GROK_HOST (default 127.0.0.1), FAKE_GROK_DELAY_MS (default 0),
// FAKE_GROK_QUOTA (queries per token and mode; default 1e9 so long benchmark runs never hit 429).

import { startFakeGrok } from './server.js';

const port = Number(process.env.FAKE_GROK_PORT ?? 9100);
const host = process.env.FAKE_GROK_HOST ?? '127.0.0.1';
const tokenDelayMs = Number(process.env.FAKE_GROK_DELAY_MS ?? 0);
const quota = Number(process.env.FAKE_GROK_QUOTA ?? 1e9);

const sim = await startFakeGrok({
  host, port, acceptAnyToken: true, tokenDelayMs,
  defaultQuota: { remaining: quota, total: quota, windowSeconds: 7200 },
  maxRecordedRequests: 1000,
});
console.log(`fake-grok listening
  app:    ${sim.baseUrl}   (stands in for https://grok.com)
  assets: ${sim.assetsUrl}   (stands in for https://assets.grok.com)
  ws:     ${sim.wsUrl}`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sim.close().then(() => process.exit(0), (err: unknown) => {
    console.error(err);
    process.exit(1);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
