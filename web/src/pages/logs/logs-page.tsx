// Call log: every /v1 call, newest first, filtered by account, status, model, API key and time
// range (kept in the URL hash), paged by the API; a click opens one entry; old entries can be
// deleted. The list refreshes every 10 s while it shows the first page.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { CallLogRecord, LogFacets, Page } from '../../api/types';
import { ErrorBox } from '../../ui/error-box';
import { fmtMs, fmtTime, fromLocalInput, toLocalInput } from '../../ui/format';
import { Pager } from '../../ui/pager';
import { replaceParams } from '../../ui/router';
import { toast } from '../../ui/toast';
import { useLoad } from '../../ui/use-load';
import type { PageProps } from '../page-props';
import { LogDetail } from './log-detail';

const FILTER_KEYS = ['account', 'status', 'model', 'api_key', 'from', 'to', 'request_id'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const STATUS_CHOICES: Array<{ id: string; label: string }> = [
  { id: '', label: 'Any status' },
  { id: 'success', label: 'Success (< 400)' },
  { id: 'error', label: 'Errors (≥ 400)' },
  { id: '2xx', label: '2xx' },
  { id: '4xx', label: '4xx' },
  { id: '5xx', label: '5xx' },
  { id: '429', label: '429 rate limited' },
  { id: '499', label: '499 client went away' },
  { id: '502', label: '502 upstream' },
  { id: '503', label: '503 no account' },
];

function statusClass(status: number): string {
  return status < 400 ? 'status-active' : status === 429 || status === 499 ? 'status-cooling' : 'status-invalid';
}

function DeleteOld(props: { onDone: () => void }) {
  const [before, setBefore] = useState(toLocalInput(Date.now() - 7 * 86_400_000));
  const run = async (): Promise<void> => {
    const ms = fromLocalInput(before);
    if (ms === undefined) {
      toast.error('Pick a date first.');
      return;
    }
    if (!confirm(`Delete every call-log entry before ${new Date(ms).toLocaleString()}?`)) return;
    try {
      const r = await api.del<{ ok: boolean; deleted: number; storeDeleted: number }>('/logs', { before: new Date(ms).toISOString() });
      toast.ok(`${r.deleted} entries deleted (${r.storeDeleted} from the store).`);
      props.onDone();
    } catch (err) {
      toast.error(err, 'Delete failed');
    }
  };
  return (
    <details class="card">
      <summary>Delete old entries</summary>
      <div class="inline">
        <label>
          Before
          <input type="datetime-local" value={before} onInput={(e) => setBefore(e.currentTarget.value)} />
        </label>
        <button type="button" class="btn btn-danger" onClick={() => void run()}>
          Delete
        </button>
      </div>
    </details>
  );
}

export function LogsPage(props: PageProps) {
  const p = props.route.params;
  const filters: Record<FilterKey, string> = Object.fromEntries(FILTER_KEYS.map((k) => [k, p.get(k) ?? ''])) as Record<FilterKey, string>;
  const page = Math.max(1, Number(p.get('page')) || 1);
  const size = Math.min(500, Math.max(1, Number(p.get('size')) || 50));
  const [detail, setDetail] = useState<CallLogRecord | undefined>(undefined);
  const key = JSON.stringify([filters, page, size]);
  const toQueryTime = (v: string): string | undefined => {
    const ms = fromLocalInput(v);
    return ms === undefined ? undefined : String(ms);
  };
  const list = useLoad(
    () => api.get<Page<CallLogRecord>>('/logs', { ...filters, from: toQueryTime(filters.from), to: toQueryTime(filters.to), page, page_size: size }),
    [key],
    { refreshMs: page === 1 ? 10_000 : 0 },
  );
  const facets = useLoad(() => api.get<LogFacets>('/logs/models'), []);

  const set = (patch: Partial<Record<FilterKey | 'page' | 'size', string>>): void => {
    replaceParams({ ...filters, page: undefined, size: size === 50 ? undefined : String(size), ...patch });
  };
  const f = facets.data;
  const option = (v: string, label: string) => (
    <option key={v} value={v}>
      {label}
    </option>
  );

  return (
    <div class="stack">
      <div class="toolbar filters">
        <select aria-label="Model filter" value={filters.model} onChange={(e) => set({ model: e.currentTarget.value })}>
          {option('', 'Any model')}
          {f?.models.map((m) => option(m.model, `${m.model} (${m.count})`))}
          {filters.model && !f?.models.some((m) => m.model === filters.model) && option(filters.model, filters.model)}
        </select>
        <select aria-label="Status filter" value={filters.status} onChange={(e) => set({ status: e.currentTarget.value })}>
          {STATUS_CHOICES.map((s) => option(s.id, s.label))}
        </select>
        <select aria-label="Account filter" value={filters.account} onChange={(e) => set({ account: e.currentTarget.value })}>
          {option('', 'Any account')}
          {f?.accounts.map((a) => option(a.account, `${a.account} (${a.count})`))}
          {filters.account && !f?.accounts.some((a) => a.account === filters.account) && option(filters.account, filters.account)}
        </select>
        <select aria-label="API key filter" value={filters.api_key} onChange={(e) => set({ api_key: e.currentTarget.value })}>
          {option('', 'Any API key')}
          {f?.apiKeys.map((k) => option(k.apiKey, `${k.apiKey} (${k.count})`))}
          {filters.api_key && !f?.apiKeys.some((k) => k.apiKey === filters.api_key) && option(filters.api_key, filters.api_key)}
        </select>
        <label class="inline-label">
          From
          <input type="datetime-local" value={filters.from} onChange={(e) => set({ from: e.currentTarget.value })} />
        </label>
        <label class="inline-label">
          To
          <input type="datetime-local" value={filters.to} onChange={(e) => set({ to: e.currentTarget.value })} />
        </label>
        <button type="button" class="btn" onClick={() => replaceParams({})}>
          Clear filters
        </button>
        <button
          type="button"
          class="btn"
          onClick={() => {
            list.reload();
            facets.reload();
          }}
        >
          Refresh
        </button>
      </div>
      {list.error !== undefined && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && (
        <>
          <div class="table-wrap">
            <table class="table logs-table">
              <thead>
                <tr>
                  <th>Time</th>
                  <th>Endpoint</th>
                  <th>Model</th>
                  <th>Status</th>
                  <th>Account</th>
                  <th>API key</th>
                  <th>Latency</th>
                  <th>Tries</th>
                  <th>Tokens</th>
                </tr>
              </thead>
              <tbody>
                {list.data.items.map((e) => (
                  <tr key={e.id} class="clickable" data-id={e.id} tabIndex={0} onClick={() => setDetail(e)} onKeyDown={(ev) => ev.key === 'Enter' && setDetail(e)}>
                    <td>{fmtTime(e.time)}</td>
                    <td>
                      <code>{e.endpoint}</code>
                      {e.stream ? <span class="muted tiny"> stream</span> : null}
                    </td>
                    <td class="col-model">{e.model ?? ''}</td>
                    <td>
                      <span class={`badge ${statusClass(e.status)}`}>{e.status}</span>
                      {(e.kind ?? e.error) && <div class="muted tiny">{e.kind ?? e.error}</div>}
                    </td>
                    <td>
                      <code>{e.account ?? ''}</code>
                    </td>
                    <td>
                      <code>{e.apiKey ?? ''}</code>
                    </td>
                    <td>
                      {fmtMs(e.latencyMs)}
                      {e.ttfbMs !== undefined && <div class="muted tiny">first byte {fmtMs(e.ttfbMs)}</div>}
                    </td>
                    <td>{e.attempts ?? ''}</td>
                    <td>{e.promptTokens !== undefined || e.completionTokens !== undefined ? `${e.promptTokens ?? 0} / ${e.completionTokens ?? 0}` : ''}</td>
                  </tr>
                ))}
                {list.data.items.length === 0 && (
                  <tr>
                    <td colSpan={9} class="muted empty">
                      No calls match.
                    </td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} onPage={(n) => set({ page: String(n) })} onSize={(n) => set({ size: String(n) })} />
        </>
      )}
      <DeleteOld onDone={list.reload} />
      {detail && <LogDetail entry={detail} onClose={() => setDetail(undefined)} />}
    </div>
  );
}
