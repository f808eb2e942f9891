// Dashboard: the pool's health (accounts by status and tier, quota left per bucket) from
// GET /api/stats, and traffic over time (requests, success rate, latency p50/p95) from
// GET /api/logs/stats. Both refresh every 10 s while the tab is visible.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import { STATUSES, TIERS, type DashboardStats, type LogStats } from '../api/types';
import { Meter } from '../ui/bar';
import { Lines, StackedBars } from '../ui/charts';
import { ErrorBox } from '../ui/error-box';
import { fmtDuration, fmtMs, fmtNum, fmtPct } from '../ui/format';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './page-props';

const RANGES: Array<{ id: string; label: string; ms: number }> = [
  { id: '1h', label: 'Last hour', ms: 3_600_000 },
  { id: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
];

function Card(props: { label: string; value: string; sub?: string; tone?: 'ok' | 'warn' | 'bad' }) {
  return (
    <div class={`stat${props.tone ? ` stat-${props.tone}` : ''}`}>
      <div class="stat-label">{props.label}</div>
      <div class="stat-value">{props.value}</div>
      {props.sub && <div class="stat-sub">{props.sub}</div>}
    </div>
  );
}

function Traffic(props: { stats: LogStats }) {
  const { buckets } = props.stats;
  const times = useMemo(() => buckets.items.map((b) => b.t), [buckets]);
  if (buckets.items.length === 0) return <p class="muted">No calls in this range yet.</p>;
  const rate = buckets.items.map((b) => (b.total > 0 ? b.success / b.total : null));
  return (
    <div class="charts">
      <StackedBars
        title={`Requests per ${buckets.size}`}
        times={times}
        size={buckets.size}
        series={[
          { name: 'success', cls: 'c-ok', values: buckets.items.map((b) => b.success) },
          { name: 'failed', cls: 'c-bad', values: buckets.items.map((b) => b.failed) },
        ]}
      />
      <Lines title="Success rate" times={times} size={buckets.size} max={1} fmt={(v) => `${Math.round(v * 100)}%`} series={[{ name: 'success rate', cls: 'c-ok', values: rate }]} />
      <Lines
        title="Latency"
        times={times}
        size={buckets.size}
        fmt={(v) => fmtMs(v)}
        series={[
          { name: 'p50', cls: 'c-a', values: buckets.items.map((b) => b.p50LatencyMs) },
          { name: 'p95', cls: 'c-b', values: buckets.items.map((b) => b.p95LatencyMs ?? null) },
        ]}
      />
    </div>
  );
}

export function DashboardPage(_props: PageProps) {
  const [range, setRange] = useState('1h');
  const ms = RANGES.find((r) => r.id === range)?.ms ?? 3_600_000;
  const stats = useLoad(() => api.get<DashboardStats>('/stats'), [], { refreshMs: 10_000 });
  const traffic = useLoad(() => api.get<LogStats>('/logs/stats', { from: Date.now() - ms }), [ms], { refreshMs: 10_000 });
  const s = stats.data;

  return (
    <div class="stack">
      {stats.error !== undefined && <ErrorBox error={stats.error} onRetry={stats.reload} />}
      {s && (
        <>
          <div class="stats-grid">
            <Card label="Accounts" value={fmtNum(s.accounts.total)} sub={`${s.accounts.active} active · ${s.accounts.cooling} cooling · ${s.accounts.invalid} invalid · ${s.accounts.disabled} disabled`} tone={s.accounts.active > 0 ? 'ok' : 'bad'} />
            <Card label="Requests" value={`${fmtNum(s.requests.lastMinute)} / min`} sub={`${fmtNum(s.requests.lastHour)} in the last hour (${s.requests.perMinute}/min avg)`} />
            <Card
              label="Success rate (1 h)"
              value={fmtPct(s.requests.successRateLastHour)}
              sub={`${fmtPct(s.requests.successRate)} over ${fmtNum(s.requests.retained)} logged calls`}
              tone={s.requests.successRateLastHour === null ? undefined : s.requests.successRateLastHour >= 0.95 ? 'ok' : s.requests.successRateLastHour >= 0.8 ? 'warn' : 'bad'}
            />
            <Card label="Latency p50 / p95" value={`${fmtMs(s.requests.latencyMs.p50)} / ${fmtMs(s.requests.latencyMs.p95)}`} sub={`p99 ${fmtMs(s.requests.latencyMs.p99)} · max ${fmtMs(s.requests.latencyMs.max)}`} />
            <Card label="In flight" value={fmtNum(s.inflight)} sub="upstream calls now" />
            <Card
              label="Storage"
              value={`${s.storage.mode} · ${s.storage.healthy ? 'healthy' : 'unreachable'}`}
              sub={s.storage.lastError ?? `call log: ${s.callLog.pending} pending, ${s.callLog.droppedUnwritten} dropped`}
              tone={s.storage.healthy ? 'ok' : 'bad'}
            />
            {s.queue && (
              <Card
                label="Queue"
                value={`${fmtNum(s.queue.depth)} waiting`}
                sub={`longest ${s.queue.oldestWaitSeconds.toFixed(1)} s · ${fmtNum(s.queue.served)} served after waiting · ${fmtNum(s.queue.timedOut + s.queue.rejectedFull)} refused (429)`}
                tone={s.queue.timedOut + s.queue.rejectedFull > 0 ? 'warn' : undefined}
              />
            )}
            <Card label="Uptime" value={fmtDuration(s.uptimeSeconds * 1000)} />
          </div>
          <div class="two-col">
            <section class="card">
              <h2>Accounts by tier</h2>
              <div class="table-wrap">
                <table class="table compact">
                  <thead>
                    <tr>
                      <th>Tier</th>
                      <th>Total</th>
                      {STATUSES.map((st) => (
                        <th key={st}>{st}</th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {TIERS.map((t) => {
                      const row = s.byTier[t];
                      return (
                        <tr key={t}>
                          <td>
                            <span class={`badge tier-${t}`}>{t}</span>
                          </td>
                          <td>{row?.total ?? 0}</td>
                          {STATUSES.map((st) => (
                            <td key={st}>{row?.[st] ?? 0}</td>
                          ))}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </section>
            <section class="card">
              <h2>Quota left (usable accounts)</h2>
              {Object.keys(s.quota).length === 0 && <p class="muted">No quota windows yet.</p>}
              {Object.entries(s.quota).map(([bucket, q]) => (
                <div key={bucket} class="quota-line">
                  <span class="quota-name">{bucket}</span>
                  <Meter value={q.remaining} max={q.total} label={`${bucket}: ${q.remaining} of ${q.total}`} />
                  <span class="muted small">
                    {fmtNum(q.remaining)} / {fmtNum(q.total)} · {q.accounts} acc.
                  </span>
                </div>
              ))}
            </section>
          </div>
        </>
      )}
      <section class="card">
        <div class="card-head">
          <h2>Traffic</h2>
          <select aria-label="Time range" value={range} onChange={(e) => setRange(e.currentTarget.value)}>
            {RANGES.map((r) => (
              <option key={r.id} value={r.id}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        {traffic.error !== undefined && <ErrorBox error={traffic.error} onRetry={traffic.reload} />}
        {traffic.data && (
          <>
            <p class="muted small">
              {fmtNum(traffic.data.total)} calls · {fmtPct(traffic.data.successRate)} success · p50 {fmtMs(traffic.data.latencyMs.p50)} · p95 {fmtMs(traffic.data.latencyMs.p95)} ·
              tokens {fmtNum(traffic.data.tokens.prompt)} in / {fmtNum(traffic.data.tokens.completion)} out
            </p>
            <Traffic stats={traffic.data} />
            <div class="two-col">
              <div>
                <h3>By model</h3>
                <table class="table compact">
                  <tbody>
                    {traffic.data.byModel.slice(0, 8).map((m) => (
                      <tr key={m.model}>
                        <td>{m.model}</td>
                        <td>{fmtNum(m.total)}</td>
                        <td class={m.failed > 0 ? 'bad' : ''}>{m.failed} failed</td>
                        <td>p50 {fmtMs(m.p50LatencyMs)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div>
                <h3>Errors by kind</h3>
                {traffic.data.errorsByKind.length === 0 ? (
                  <p class="muted">None.</p>
                ) : (
                  <table class="table compact">
                    <tbody>
                      {traffic.data.errorsByKind.slice(0, 8).map((k) => (
                        <tr key={k.kind}>
                          <td>{k.kind}</td>
                          <td>{fmtNum(k.count)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            </div>
          </>
        )}
      </section>
    </div>
  );
}
