// Scrape-time metrics of the admission queue (requests waiting for a free account). Read from the
// queue's running totals: nothing is added to the request path.
import type { AdmissionQueue } from '../accounts/index.js';
import type { Metrics } from './metrics.js';

export function registerAdmissionGauges(metrics: Metrics, queue: AdmissionQueue): void {
  metrics.registerGauge('grok2api_admission_queue_depth', 'Requests waiting for a free account (every eligible one at accounts.max_inflight)', () => queue.depth);
  metrics.registerGauge('grok2api_admission_queue_oldest_wait_seconds', 'How long the longest-waiting request has waited so far (0 = nobody waits)', () => queue.oldestWaitSeconds());
  metrics.registerCounter('grok2api_admission_queued_total', 'Requests that had to wait for a free account', () => queue.stats.queued);
  metrics.registerCounter('grok2api_admission_wait_seconds_total', 'Seconds waited in the admission queue, summed over requests that left it (divide by queued_total for the mean)', () => queue.stats.waitSecondsSum);
  metrics.registerCounter(
    'grok2api_admission_outcomes_total',
    'Requests leaving the admission queue: served, timeout (429 all_accounts_busy after the wait) or full (429 at once)',
    () => [
      { labels: { outcome: 'served' }, value: queue.stats.served },
      { labels: { outcome: 'timeout' }, value: queue.stats.timedOut },
      { labels: { outcome: 'full' }, value: queue.stats.rejectedFull },
    ],
    ['outcome'],
  );
}
