// Client key check benchmark (file store): what every /v1 request with a client key pays in the
// scope's hooks: authentication (onRequest) plus model allow-list and limit admission (preHandler),
// synchronous on the file store. Target: < 10 µs per request.
// Run: npm run bench:keys
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import pino from 'pino';
import { buildModelRegistry, loadConfig } from '../src/config/index.js';
import { ClientKeyGate, ClientKeyService } from '../src/keys/index.js';
import { newCallContext } from '../src/calllog/index.js';
import { createStore } from '../src/store/index.js';

const KEYS = Number(process.env.BENCH_KEYS ?? 1000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200_000);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export interface KeysBenchResult {
  keys: number;
  checkP50us: number;
  checkP99us: number;
  checkMeanUs: number;
}

export async function runKeysBench(): Promise<KeysBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'g2a-bench-keys-'));
  const logger = pino({ level: 'silent' });
  const store = await createStore({ mode: 'file', url: '', dataDir: dir, logger });
  const registry = buildModelRegistry(loadConfig({ env: {}, dataDir: dir }).config.models);
  const svc = await ClientKeyService.create({ store: store.keys, logger, models: () => registry, pollMs: 0 });
  const gate = new ClientKeyGate(svc);
  let secret = '';
  for (let i = 0; i < KEYS; i++) {
    // Every limit set and a model allow-list (via an alias): the most work a check can do.
    const { secret: s } = await svc.create({
      name: `bench ${i}`,
      models: ['grok-4-fast', 'grok-chat-expert'],
      limits: { rpm: 1e9, concurrency: 1e6, requests_per_day: 1e9, tokens_per_day: 1e9, monthly_requests: 1e9 },
    });
    if (i === KEYS >> 1) secret = s;
  }
  const headers = { authorization: `Bearer ${secret}` };
  const body = { model: 'grok-chat-fast', messages: [] };
  const noop = (): void => undefined;
  const newReply = (): FastifyReply & { raw: EventEmitter } => {
    const r = { header: () => r, raw: new EventEmitter() } as unknown as FastifyReply & { raw: EventEmitter };
    return r;
  };
  let failed: unknown;
  const done = (err?: Error): void => {
    if (err) failed = err;
  };
  const request = (): FastifyRequest =>
    ({ headers, body, method: 'POST', call: newCallContext('/v1/chat/completions'), clientKey: undefined, keyOwner: undefined, log: { warn: noop } }) as unknown as FastifyRequest;

  const one = (): void => {
    const req = request();
    const reply = newReply();
    gate.authenticate(req, [], done);
    gate.admit(req, reply, done);
    reply.raw.emit('close');
  };
  for (let i = 0; i < 20_000; i++) one();
  const samples: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const req = request();
    const reply = newReply();
    const t0 = process.hrtime.bigint();
    gate.authenticate(req, [], done);
    gate.admit(req, reply, done);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    // Released (and usage recorded) as the response's end would, outside the timed part.
    reply.raw.emit('close');
    // Let the usage writes' promises settle now and then, as between real requests.
    if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
  }
  const totalUs = samples.reduce((a, b) => a + b, 0);
  if (failed) throw new Error(`the check refused the benchmark key: ${String(failed)}`);
  samples.sort((a, b) => a - b);
  svc.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const round = (n: number): number => Math.round(n * 100) / 100;
  return { keys: KEYS, checkP50us: round(percentile(samples, 50)), checkP99us: round(percentile(samples, 99)), checkMeanUs: round(totalUs / ITERATIONS) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runKeysBench();
  console.log(`client key check (file store, ${r.keys} keys): p50 ${r.checkP50us} µs, p99 ${r.checkP99us} µs, mean ${r.checkMeanUs} µs`);
}
