// Delivery of a finished job's callback_url: a POST of the job object plus an idempotency key
// (also in the Idempotency-Key header; the same on every attempt and on a take-over), signed with
// X-Signature = hex HMAC-SHA256(body, video.callback_secret), retried with exponential backoff.
import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { safeFetch } from '../media/index.js';
import type { VideoJob } from './video-job-view.js';

export interface CallbackSettings {
  callbackSecret: string;
  callbackAttempts: number;
  callbackBackoffMs: number;
  allowPrivateUrls: boolean;
}

const CALLBACK_TIMEOUT_MS = 15_000;
const CALLBACK_BACKOFF_CAP_MS = 60_000;

export function signCallback(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/** True when the receiver answered 2xx within the attempts; false when it gave up or `signal` ended it. */
export async function deliverCallback(
  url: string,
  job: VideoJob,
  idempotencyKey: string,
  s: CallbackSettings,
  signal: AbortSignal,
  logger: Logger | undefined,
): Promise<boolean> {
  const body = JSON.stringify({ ...job, idempotency_key: idempotencyKey });
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'grok2api-ts', 'idempotency-key': idempotencyKey };
  if (s.callbackSecret !== '') headers['x-signature'] = signCallback(body, s.callbackSecret);
  for (let attempt = 1; attempt <= s.callbackAttempts && !signal.aborted; attempt++) {
    try {
      const res = await safeFetch(url, {
        method: 'POST',
        body,
        headers,
        maxBytes: 64 * 1024,
        timeoutMs: CALLBACK_TIMEOUT_MS,
        allowPrivate: s.allowPrivateUrls,
        signal,
      });
      if (res.status >= 200 && res.status < 300) return true;
      logger?.warn({ job: job.id, status: res.status, attempt }, 'video callback answered non-2xx');
    } catch (err) {
      logger?.warn({ job: job.id, attempt, err: (err as Error).message }, 'video callback failed');
    }
    if (attempt < s.callbackAttempts) {
      const delay = Math.min(CALLBACK_BACKOFF_CAP_MS, s.callbackBackoffMs * 2 ** (attempt - 1));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        signal.addEventListener('abort', () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
  }
  if (!signal.aborted) logger?.error({ job: job.id }, `video callback gave up after ${s.callbackAttempts} attempts`);
  return false;
}
