// The async video job API's state, shared by every gateway instance through the store: a job is a
// record (status, progress, owner, the instance running it, lease, attempts, result links, callback
// state), so any instance answers for it and it outlives the instance that started it.
//
// Exactly one instance runs a job: it holds the job's lease (a store lock, renewed while it runs).
// Other instances look for jobs whose lease expired only every video.job_scan_interval seconds (one
// listing, then one lock attempt per orphaned job), never per job or per request. A job taken over
// is generated again from the start: Grok's video call streams its result on the connection that
// started it and the web protocol has no way to find a started video again, so a run cut short is
// lost. The job's events say so, and after MAX_RUNS runs it fails instead of looping.
//
// The callback (callback_url) is delivered once per completion: the instance that moves the job's
// callback state from "pending" to "sending:<itself>" (compare-and-swap in the store) sends it; if
// that instance dies while sending, the next holder of the lease sends it again with the same
// idempotency key (in the body and the Idempotency-Key header) so the receiver can tell.
// A job belongs to the API key that created it (resource-owner.ts): other keys neither list nor find it.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { ModelRegistry, ModelSpec } from '../config/index.js';
import { CallError } from '../failures/index.js';
import type { CallbackState, LockStore, VideoJobRecord, VideoJobStore } from '../store/index.js';
import { canAccess, type ResourceOwner, type ResourceViewer } from './resource-owner.js';
import { deliverCallback, type CallbackSettings } from './video-job-callback.js';
import { videoJobView, type VideoJob } from './video-job-view.js';
import type { VideoJobInput, VideoService } from './video-service.js';

export type { VideoJob, VideoJobStatus } from './video-job-view.js';
export { signCallback } from './video-job-callback.js';

export interface VideoJobSettings extends CallbackSettings {
  ttlMs: number;
  /** How long a lease lasts unless renewed (renewed every third of it). */
  leaseMs: number;
  /** How often an instance looks for jobs whose runner's lease expired. */
  scanIntervalMs: number;
}

export interface VideoJobsDeps {
  videos: VideoService;
  store: VideoJobStore;
  locks: LockStore;
  /** This instance's id (lease owner; shown in the job's events). */
  instanceId: string;
  models: () => ModelRegistry;
  settings: () => VideoJobSettings;
  logger?: Logger | undefined;
}

/** Most jobs generating at once on one instance; more are refused with 429 until one finishes. */
export const MAX_ACTIVE_JOBS = 32;
/** Most runs of one job (the first and the restarts after its instance stopped). */
export const MAX_RUNS = 3;
/** How often finished jobs past video.job_ttl are deleted (by whichever instance scans). */
const SWEEP_INTERVAL_MS = 60_000;

type StopReason = 'deleted' | 'lease-lost' | 'shutdown';

class Stop extends Error {
  constructor(readonly reason: StopReason) {
    super(`video job stopped: ${reason}`);
  }
}

interface Running {
  record: VideoJobRecord;
  controller: AbortController;
  /** Record writes of this run, in order. */
  writes: Promise<boolean>;
}

const lockName = (id: string): string => `video-job:${id}`;
const isUnfinished = (r: VideoJobRecord): boolean => r.status === 'queued' || r.status === 'in_progress';
const owesCallback = (state: CallbackState): boolean => state === 'pending' || state.startsWith('sending:');

export class VideoJobs {
  private readonly running = new Map<string, Running>();
  private readonly pending = new Set<Promise<void>>();
  private readonly closing = new AbortController();
  private closed = false;
  private scanning = false;
  private scanner: NodeJS.Timeout | undefined;
  private lastSweep = 0;

  constructor(private readonly deps: VideoJobsDeps) {}

  /** Starts looking for orphaned jobs (at once: after a restart, the jobs this data dir had in flight). */
  start(): void {
    if (this.scanner || this.closed) return;
    const tick = (): void => {
      void this.scan();
      this.scanner = setTimeout(tick, this.deps.settings().scanIntervalMs);
      this.scanner.unref();
    };
    tick();
  }

  /**
   * Stores a job and starts it here in the background. `input` has no signal: the job outlives the
   * request. `owner`: the creating API key's owner id. Throws 429 when too many jobs run here.
   */
  async create(
    owner: ResourceOwner,
    spec: ModelSpec,
    model: string,
    input: Omit<VideoJobInput, 'signal' | 'onProgress'>,
    size: string,
    callbackUrl: string | undefined,
  ): Promise<VideoJob> {
    if (this.running.size >= MAX_ACTIVE_JOBS) {
      throw new CallError(429, `Too many video jobs in progress (${MAX_ACTIVE_JOBS}); retry when one finished`, {
        code: 'too_many_jobs',
        headers: { 'retry-after': '30' },
      });
    }
    const s = this.deps.settings();
    const now = Date.now();
    const record: VideoJobRecord = {
      id: `video_${randomBytes(12).toString('hex')}`,
      owner,
      model,
      size,
      input: { ...input, preset: input.preset },
      status: 'queued',
      progress: 0,
      createdAt: now,
      completedAt: null,
      expiresAt: null,
      ownerInstance: this.deps.instanceId,
      leaseExpiresAt: now + s.leaseMs,
      attempts: 0,
      events: [],
      error: null,
      url: null,
      thumbnailUrl: null,
      callbackUrl: callbackUrl ?? null,
      callbackKey: randomBytes(16).toString('hex'),
      callbackState: callbackUrl === undefined ? 'none' : 'pending',
    };
    await this.deps.store.create(record);
    // A new id: nobody else can hold its lock. Should the store refuse, the scan picks the job up.
    const leased = await this.deps.locks.tryLock(lockName(record.id), this.deps.instanceId, s.leaseMs).catch(() => false);
    if (leased) this.launch(record, spec);
    return videoJobView(record);
  }

  /**
   * The job, when it exists and `viewer` may see it (another key's job does not exist for it).
   * `baseUrl`: the asking request's link base (see videoJobView); omitted, links stay as created.
   */
  async get(id: string, viewer: ResourceViewer, baseUrl?: string): Promise<VideoJob | undefined> {
    const r = await this.visible(id, viewer);
    return r ? videoJobView(r, baseUrl) : undefined;
  }

  /** The jobs `viewer` may see, newest first. */
  async list(viewer: ResourceViewer, baseUrl?: string): Promise<VideoJob[]> {
    return (await this.deps.store.list()).filter((r) => canAccess(viewer, r.owner)).map((r) => videoJobView(r, baseUrl));
  }

  /**
   * Forgets a job `viewer` may see; false when there is none. A run here stops at once; a run on
   * another instance stops at its next write (the store refuses to bring the record back).
   */
  async delete(id: string, viewer: ResourceViewer): Promise<boolean> {
    const r = await this.visible(id, viewer);
    if (!r) return false;
    const deleted = await this.deps.store.delete(id);
    this.running.get(id)?.controller.abort(new Stop('deleted'));
    return deleted;
  }

  private async visible(id: string, viewer: ResourceViewer): Promise<VideoJobRecord | undefined> {
    if (!/^video_[0-9a-f]{24}$/.test(id)) return undefined;
    const r = await this.deps.store.get(id);
    return r && canAccess(viewer, r.owner) ? r : undefined;
  }

  /** Runs a job this instance holds the lease of, renewing the lease until the run ends. */
  private launch(record: VideoJobRecord, spec: ModelSpec | undefined): void {
    const run: Running = { record, controller: new AbortController(), writes: Promise.resolve(true) };
    this.running.set(record.id, run);
    const renew = setInterval(() => {
      const s = this.deps.settings();
      this.deps.locks.tryLock(lockName(record.id), this.deps.instanceId, s.leaseMs).then(
        (held) => {
          if (!held) run.controller.abort(new Stop('lease-lost'));
          else {
            run.record.leaseExpiresAt = Date.now() + s.leaseMs;
            void this.write(run);
          }
        },
        // The store is unreachable: keep running; the lease holds until it expires.
        (err: unknown) => this.deps.logger?.warn({ job: record.id, err: (err as Error).message }, 'video job: could not renew its lease'),
      );
    }, Math.max(50, Math.floor(this.deps.settings().leaseMs / 3)));
    renew.unref();
    const p = this.runJob(run, spec)
      .catch((err: unknown) => this.deps.logger?.error({ err, job: record.id }, 'video job: unexpected failure'))
      .finally(async () => {
        clearInterval(renew);
        this.running.delete(record.id);
        this.pending.delete(p);
        // On shutdown the lease is released too: another instance (or this one restarted) resumes the job.
        await this.deps.locks.unlock(lockName(record.id), this.deps.instanceId).catch(() => undefined);
      });
    this.pending.add(p);
  }

  /** Queues a write of the run's record; a refused write (the job was deleted) stops the run. */
  private write(run: Running): Promise<boolean> {
    const copy = structuredClone(run.record);
    run.writes = run.writes.then(
      () => this.deps.store.update(copy),
      () => this.deps.store.update(copy),
    ).then(
      (ok) => {
        if (!ok) run.controller.abort(new Stop('deleted'));
        return ok;
      },
      (err: unknown) => {
        this.deps.logger?.warn({ job: copy.id, err: (err as Error).message }, 'video job: could not save its state');
        return true;
      },
    );
    return run.writes;
  }

  private event(r: VideoJobRecord, message: string): void {
    r.events.push({ at: Date.now(), message });
  }

  private async runJob(run: Running, spec: ModelSpec | undefined): Promise<void> {
    const r = run.record;
    const s = this.deps.settings();
    if (isUnfinished(r)) {
      if (r.attempts >= MAX_RUNS) {
        this.fail(r, 'job_interrupted', `The video job was interrupted ${r.attempts} times (the instance running it stopped); Grok cannot resume a started video, so it was given up`);
      } else {
        await this.generate(run, spec ?? this.deps.models().resolve(r.model));
        if (isUnfinished(r)) return; // deleted, lease lost or shutting down: not a result
      }
      r.completedAt = Date.now();
      r.expiresAt = r.completedAt + s.ttlMs;
      r.leaseExpiresAt = 0;
      if (!(await this.write(run))) return;
    }
    if (owesCallback(r.callbackState) && r.callbackUrl !== null) await this.callback(run);
  }

  private async generate(run: Running, spec: ModelSpec | undefined): Promise<void> {
    const r = run.record;
    const signal = run.controller.signal;
    r.attempts++;
    if (r.attempts > 1) {
      r.progress = 0;
      this.event(r, `Run ${r.attempts} on instance ${this.deps.instanceId}: the instance running the job (${r.ownerInstance ?? 'unknown'}) stopped before it finished. Grok cannot resume a started video, so it is generated again from the start.`);
    }
    r.status = 'in_progress';
    r.ownerInstance = this.deps.instanceId;
    r.leaseExpiresAt = Date.now() + this.deps.settings().leaseMs;
    if (!(await this.write(run))) return;
    if (!spec || spec.kind !== 'video') {
      this.fail(r, 'model_not_found', `The model '${r.model}' is no longer available`);
      return;
    }
    try {
      const out = await this.deps.videos.generate(spec, {
        ...r.input,
        preset: r.input.preset as VideoJobInput['preset'],
        signal,
        onProgress: (p) => {
          // 100 only once the video is published.
          const next = Math.min(99, Math.max(r.progress, p));
          if (next === r.progress) return;
          r.progress = next;
          void this.write(run);
        },
      });
      r.status = 'completed';
      r.progress = 100;
      r.url = out.video.url ?? null;
      r.thumbnailUrl = out.thumbnailUrl ?? null;
      this.deps.logger?.info({ job: r.id, account: out.account, attempts: out.attempts.length, run: r.attempts }, 'video job completed');
    } catch (err) {
      if (signal.aborted) {
        const why = signal.reason instanceof Stop ? signal.reason.reason : 'aborted';
        this.deps.logger?.warn({ job: r.id, why }, 'video job stopped on this instance');
        return;
      }
      const e = err instanceof CallError ? err : undefined;
      if (!e) this.deps.logger?.error({ err, job: r.id }, 'video job failed');
      else this.deps.logger?.warn({ job: r.id, code: e.code }, 'video job failed');
      this.fail(r, e?.code ?? 'internal_error', e?.message ?? 'Video generation failed');
    }
  }

  private fail(r: VideoJobRecord, code: string, message: string): void {
    r.status = 'failed';
    r.error = { code, message };
  }

  /** Sends the callback if this instance wins (or inherits) the right to; records the outcome. */
  private async callback(run: Running): Promise<void> {
    const r = run.record;
    const mine: CallbackState = `sending:${this.deps.instanceId}`;
    const from = r.callbackState;
    if (from !== mine && !(await this.deps.store.swapCallbackState(r.id, from, mine))) return;
    if (from.startsWith('sending:') && from !== mine) this.event(r, `The callback is sent again by instance ${this.deps.instanceId} (the instance sending it stopped); same idempotency key`);
    r.callbackState = mine;
    const ok = await deliverCallback(r.callbackUrl ?? '', videoJobView(r), r.callbackKey, this.deps.settings(), this.closing.signal, this.deps.logger);
    if (this.closing.signal.aborted) return; // still "sending": the next lease holder sends it
    const to: CallbackState = ok ? 'delivered' : 'failed';
    if (await this.deps.store.swapCallbackState(r.id, mine, to)) r.callbackState = to;
  }

  /** One look for jobs nobody runs (lease expired) or whose callback nobody delivers. */
  private async scan(): Promise<void> {
    if (this.scanning || this.closed) return;
    this.scanning = true;
    try {
      const now = Date.now();
      if (now - this.lastSweep >= SWEEP_INTERVAL_MS) {
        this.lastSweep = now;
        await this.deps.store.deleteExpired(now);
      }
      for (const listed of await this.deps.store.list()) {
        if (this.closed) return;
        if (this.running.has(listed.id)) continue;
        const unfinished = isUnfinished(listed);
        if (!unfinished && !owesCallback(listed.callbackState)) continue;
        if (unfinished && this.running.size >= MAX_ACTIVE_JOBS) continue;
        const s = this.deps.settings();
        if (!(await this.deps.locks.tryLock(lockName(listed.id), this.deps.instanceId, s.leaseMs))) continue;
        // Read again under the lease: the previous holder may have finished meanwhile.
        const fresh = await this.deps.store.get(listed.id);
        if (!fresh || (!isUnfinished(fresh) && !owesCallback(fresh.callbackState))) {
          await this.deps.locks.unlock(lockName(listed.id), this.deps.instanceId);
          continue;
        }
        this.deps.logger?.warn({ job: fresh.id, previous: fresh.ownerInstance, runs: fresh.attempts }, 'video job taken over (its lease had expired)');
        this.launch(fresh, undefined);
      }
    } catch (err) {
      this.deps.logger?.warn({ err: (err as Error).message }, 'video jobs: scan for orphaned jobs failed');
    } finally {
      this.scanning = false;
    }
  }

  /**
   * Stops the runs here and waits for them to settle. Their jobs stay unfinished in the store with
   * the lease released, so another instance (or this one after a restart) runs them again.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.closing.abort();
    if (this.scanner) clearTimeout(this.scanner);
    for (const run of this.running.values()) run.controller.abort(new Stop('shutdown'));
    await Promise.allSettled([...this.pending]);
  }
}
