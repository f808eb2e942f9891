// Admission control: when every eligible account is at accounts.max_inflight, a request waits here
// (bounded, with a deadline) instead of failing at once, and is served as soon as a lease frees.
// Fair between clients: each client (API key) has its own FIFO, and the queue serves the clients
// round-robin, so one key's burst of 500 requests cannot push another key's one request to the back.
import type { AbortLike } from '../grok/index.js';
import type { LeaseRequest, LeaseResult } from './account-source.js';

export interface AdmissionSettings {
  /** How long a request may wait for a free account (ms); 0 = never wait. */
  timeoutMs: number;
  /** Most requests waiting at once (over all clients); more are refused at once. */
  max: number;
}

/** Tries one lease without waiting (the pool's own lease). */
export type TryLease = (req: LeaseRequest) => Promise<LeaseResult>;

interface Waiter {
  client: string;
  req: LeaseRequest;
  enqueuedAt: number;
  settle: (r: LeaseResult) => void;
  done: boolean;
}

/** Running totals for metrics (read at scrape time). */
export interface AdmissionStats {
  /** Requests that had to wait (whatever the outcome). */
  queued: number;
  /** Served after waiting. */
  served: number;
  /** Refused: the wait ran out. */
  timedOut: number;
  /** Refused at once: the queue was full (or queueing is off). */
  rejectedFull: number;
  /** Total seconds waited by requests that left the queue (served or not). */
  waitSecondsSum: number;
}

// Where the gateway marks a request's client (its API key owner) on the request's cancellation
// object: the lease request carries the signal, so the queue learns who is asking without every
// service in between passing the client along. A symbol-keyed property of the signal itself, not a
// WeakMap: one is made per request, and every WeakMap entry is an ephemeron the garbage collector
// must revisit on each young-generation pass (bench/results.md, "issue 14: the last 10%").
const ADMISSION_CLIENT: unique symbol = Symbol('grok2api.admissionClient');
interface TaggedSignal {
  [ADMISSION_CLIENT]?: string;
}

export function tagAdmissionClient(signal: object, client: string): void {
  (signal as TaggedSignal)[ADMISSION_CLIENT] = client;
}

function clientOf(signal: AbortLike | undefined): string {
  return (signal as TaggedSignal | undefined)?.[ADMISSION_CLIENT] ?? 'anonymous';
}

/** Retry-After for a refused request: the queue was full or the wait ran out; a short pause helps. */
export const BUSY_RETRY_AFTER_SECONDS = 1;
// Polled while requests wait, for slots freed by other instances (the shared in-flight counter
// tells nobody when it drops) and for accounts whose state changed without a local release.
const POLL_MS = 250;

export class AdmissionQueue {
  private readonly byClient = new Map<string, Waiter[]>();
  /** Clients with waiters, in the order they are next served (round-robin). */
  private readonly order: string[] = [];
  private waiting = 0;
  private draining = false;
  private again = false;
  private poll: NodeJS.Timeout | undefined;
  readonly stats: AdmissionStats = { queued: 0, served: 0, timedOut: 0, rejectedFull: 0, waitSecondsSum: 0 };

  constructor(
    private readonly tryLease: TryLease,
    private readonly settings: () => AdmissionSettings,
    private readonly now: () => number = Date.now,
  ) {}

  /** Requests waiting right now. */
  get depth(): number {
    return this.waiting;
  }

  /** Seconds the longest-waiting request has waited (0 when none waits). */
  oldestWaitSeconds(): number {
    let oldest = Infinity;
    for (const list of this.byClient.values()) if (list[0] && list[0].enqueuedAt < oldest) oldest = list[0].enqueuedAt;
    return oldest === Infinity ? 0 : (this.now() - oldest) / 1000;
  }

  /**
   * A lease, waiting for a free account when all are busy. Returns the pool's answer unchanged
   * unless it is `busy`; a `busy` answer here means the wait ran out (or the queue was full).
   */
  async lease(req: LeaseRequest): Promise<LeaseResult> {
    // Someone is already waiting: a newcomer queues behind them rather than taking the next slot.
    if (this.waiting === 0) {
      const first = await this.tryLease(req);
      if (first.ok || first.reason !== 'busy') return first;
    }
    const s = this.settings();
    if (s.timeoutMs <= 0 || this.waiting >= s.max) {
      this.stats.rejectedFull++;
      return { ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS };
    }
    const signal = req.signal;
    if (signal?.aborted) return { ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS };
    return new Promise<LeaseResult>((resolve) => {
      const client = clientOf(signal);
      const w: Waiter = { client, req, enqueuedAt: this.now(), done: false, settle: () => undefined };
      const timer = setTimeout(() => {
        this.stats.timedOut++;
        w.settle({ ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
      }, s.timeoutMs);
      const onAbort = (): void => w.settle({ ok: false, reason: 'busy', retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS });
      signal?.addEventListener('abort', onAbort);
      w.settle = (r) => {
        if (w.done) return;
        w.done = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.remove(w);
        this.stats.waitSecondsSum += (this.now() - w.enqueuedAt) / 1000;
        resolve(r);
      };
      this.add(w);
      this.stats.queued++;
      // A slot may have freed between the failed try and now.
      this.wake();
    });
  }

  /** A lease was released (or something else may have freed capacity): serve waiters. */
  wake(): void {
    if (this.waiting === 0) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    void this.drain();
  }

  private add(w: Waiter): void {
    let list = this.byClient.get(w.client);
    if (!list) {
      list = [];
      this.byClient.set(w.client, list);
      this.order.push(w.client);
    }
    list.push(w);
    this.waiting++;
    if (!this.poll) {
      this.poll = setInterval(() => this.wake(), POLL_MS);
      this.poll.unref();
    }
  }

  private remove(w: Waiter): void {
    const list = this.byClient.get(w.client);
    if (!list) return;
    const i = list.indexOf(w);
    if (i === -1) return;
    list.splice(i, 1);
    this.waiting--;
    if (list.length === 0) {
      this.byClient.delete(w.client);
      this.order.splice(this.order.indexOf(w.client), 1);
    }
    if (this.waiting === 0 && this.poll) {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  }

  /**
   * Serves waiters round-robin over clients (each client's oldest first): the front-most client
   * whose request can be served gets the slot and goes to the back of the line. Stops when a lease
   * attempt says busy for every kind of request still waiting. One drain at a time; wakes during a
   * drain make it go round once more.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      do {
        this.again = false;
        // Kinds of request (tier + bucket) that got `busy` in this pass: their later waiters would too.
        const blocked = new Set<string>();
        let served = true;
        while (served && this.waiting > 0) {
          served = false;
          for (const client of [...this.order]) {
            const head = this.byClient.get(client)?.[0];
            if (!head || head.done) continue;
            const kind = `${head.req.tier}|${head.req.bucket}`;
            if (blocked.has(kind)) continue;
            const r = await this.tryLease(head.req);
            if (head.done) {
              // Timed out or aborted while the lease was being confirmed: give the slot back.
              if (r.ok) r.lease.release({ ok: true });
              continue;
            }
            if (!r.ok && r.reason === 'busy') {
              blocked.add(kind);
              continue;
            }
            if (r.ok) this.stats.served++;
            head.settle(r);
            this.toBack(client);
            served = true;
            break; // start again from the front of the line
          }
        }
      } while (this.again && this.waiting > 0);
    } finally {
      this.draining = false;
    }
  }

  /** A served client (if it still waits) goes behind every other waiting client. */
  private toBack(client: string): void {
    const at = this.order.indexOf(client);
    if (at === -1) return;
    this.order.splice(at, 1);
    this.order.push(client);
  }

  close(): void {
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
  }
}
