// Proxies: the egress pool with health, latency, last error and bound accounts; bulk import
// (bad lines reported by number, as the API returns them), delete, probe now, per-proxy
// Cloudflare profile, and binding an account to a proxy.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client';
import type { ProxyList, ProxyTestResult, ProxyView } from '../../api/types';
import { ErrorBox } from '../../ui/error-box';
import { fmtAgo, fmtMs } from '../../ui/format';
import { toast } from '../../ui/toast';
import { useLoad } from '../../ui/use-load';
import type { PageProps } from '../page-props';
import { BindDialog, EditDialog, ImportDialog } from './proxy-dialogs';

export function ProxiesPage(_props: PageProps) {
  const list = useLoad(() => api.get<ProxyList>('/proxies'), [], { refreshMs: 15_000 });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: 'import' } | { kind: 'bind' } | { kind: 'edit'; proxy: ProxyView } | undefined>(undefined);
  const [testing, setTesting] = useState<string | undefined>(undefined);

  if (list.error instanceof ApiError && list.error.status === 404) {
    return <p class="muted">This gateway has no proxy pool.</p>;
  }
  const items = list.data?.items ?? [];
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };

  const test = async (p: ProxyView): Promise<void> => {
    setTesting(p.id);
    try {
      const r = await api.post<ProxyTestResult>('/proxies/test', { id: p.id });
      if (r.ok) toast.ok(`${p.url}: healthy, ${r.latencyMs ?? '?'} ms (HTTP ${r.status ?? '?'}).`);
      else toast.error(`${p.url}: ${r.error ?? 'probe failed'}`);
      list.reload();
    } catch (err) {
      toast.error(err, 'Probe failed');
    } finally {
      setTesting(undefined);
    }
  };

  const del = async (): Promise<void> => {
    if (!confirm(`Delete ${selected.size} proxy(ies)? Accounts bound to them are rebound on their next call.`)) return;
    try {
      const r = await api.post<{ removed: number; skipped: Array<{ id: string; reason: string }> }>('/proxies/delete', { ids: [...selected] });
      const skipped = r.skipped.map((s) => `${s.id}: ${s.reason}`).join('; ');
      toast.ok(`${r.removed} proxy(ies) removed.${skipped ? ` Skipped: ${skipped}` : ''}`);
      setSelected(new Set());
      list.reload();
    } catch (err) {
      toast.error(err, 'Delete failed');
    }
  };

  return (
    <div class="stack">
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setDialog({ kind: 'import' })}>
          Import proxies
        </button>
        <button type="button" class="btn" disabled={items.length === 0} onClick={() => setDialog({ kind: 'bind' })}>
          Bind account
        </button>
        <button type="button" class="btn btn-danger" disabled={selected.size === 0} onClick={() => void del()}>
          Delete ({selected.size})
        </button>
        {list.data && (
          <span class="muted small">
            {list.data.total} proxies, {list.data.healthy} healthy
          </span>
        )}
      </div>
      {list.error !== undefined && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && <p class="muted">No proxies: calls go directly to grok.com. Import some, or set proxy.urls in the configuration.</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table">
            <thead>
              <tr>
                <th class="col-check" />
                <th>Proxy</th>
                <th>Pool</th>
                <th>Health</th>
                <th>Latency</th>
                <th>Accounts</th>
                <th>Calls</th>
                <th>Last error</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-id={p.id}>
                  <td class="col-check">
                    <input type="checkbox" aria-label={`Select ${p.url}`} disabled={p.source === 'config'} checked={selected.has(p.id)} onChange={() => toggle(p.id)} />
                  </td>
                  <td>
                    <code>{p.url}</code>
                    <div class="muted tiny">
                      {p.id} · {p.source}
                      {p.cfClearance ? ' · cf_clearance set' : ''}
                    </div>
                  </td>
                  <td>{p.pool}</td>
                  <td>
                    <span class={`badge ${p.healthy ? 'status-active' : 'status-invalid'}`}>{p.healthy ? 'healthy' : 'unhealthy'}</span>
                    <div class="muted tiny">checked {fmtAgo(p.checkedAt)}</div>
                  </td>
                  <td>{fmtMs(p.latencyMs)}</td>
                  <td>
                    {p.boundAccounts}
                    {p.pinnedAccounts > 0 && <span class="muted"> ({p.pinnedAccounts} pinned)</span>}
                  </td>
                  <td>
                    {p.successes} ok{p.failures > 0 && <span class="bad"> / {p.failures} failed</span>}
                  </td>
                  <td class="col-error">{p.lastError && <span class="muted tiny clamp">{p.lastError}</span>}</td>
                  <td class="col-actions">
                    <button type="button" class="btn btn-small" disabled={testing === p.id} onClick={() => void test(p)}>
                      {testing === p.id ? 'Testing…' : 'Test'}
                    </button>
                    {p.source !== 'config' && (
                      <button type="button" class="btn btn-small" onClick={() => setDialog({ kind: 'edit', proxy: p })}>
                        Profile
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {dialog?.kind === 'import' && <ImportDialog onClose={() => setDialog(undefined)} onDone={list.reload} />}
      {dialog?.kind === 'bind' && <BindDialog proxies={items} onClose={() => setDialog(undefined)} onDone={list.reload} />}
      {dialog?.kind === 'edit' && <EditDialog proxy={dialog.proxy} onClose={() => setDialog(undefined)} onDone={list.reload} />}
    </div>
  );
}
