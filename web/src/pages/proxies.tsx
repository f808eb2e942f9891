// Proxies: the egress pool with health, latency, last error and bound accounts; bulk import
// (bad lines reported by number, as the API returns them), delete, probe now, per-proxy
// Cloudflare profile, and binding an account to a proxy.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client';
import type { ProxyAddResult, ProxyList, ProxyTestResult, ProxyView, TokenPage, TokenRow } from '../api/types';
import { ErrorBox } from '../ui/error-box';
import { ImportResult } from '../ui/import-result';
import { fmtAgo, fmtMs } from '../ui/format';
import { Modal } from '../ui/modal';
import { toast } from '../ui/toast';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './registry';

function ImportDialog(props: { onClose: () => void; onDone: () => void }) {
  const [text, setText] = useState('');
  const [pool, setPool] = useState<'app' | 'asset'>('app');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ProxyAddResult | undefined>(undefined);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const r = await api.post<ProxyAddResult>('/proxies/add', { text, pool });
      setResult(r);
      toast.ok(`${r.added} proxy(ies) added, ${r.updated} updated${r.errors.length ? `, ${r.errors.length} bad line(s)` : ''}.`);
      props.onDone();
    } catch (err) {
      toast.error(err, 'Import failed');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title="Import proxies" onClose={props.onClose} wide>
      <form onSubmit={submit} class="form-grid" aria-label="Import proxies">
        <label>
          One proxy per line
          <textarea name="proxies" rows={8} spellcheck={false} placeholder={'http://user:pass@10.0.0.1:8080\nsocks5://10.0.0.2:1080'} value={text} onInput={(e) => setText(e.currentTarget.value)} />
          <span class="muted small">
            http://, https://, socks4://, socks5://, socks5h://; optionally followed by <code>cf_clearance=… user_agent=…</code> for that proxy.
          </span>
        </label>
        <label>
          Pool
          <select name="pool" value={pool} onChange={(e) => setPool(e.currentTarget.value === 'asset' ? 'asset' : 'app')}>
            <option value="app">app (grok.com calls)</option>
            <option value="asset">asset (media downloads)</option>
          </select>
        </label>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || text.trim() === ''}>
            Import
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Close
          </button>
        </div>
      </form>
      {result && <ImportResult result={result} testId="proxy-import-result" />}
    </Modal>
  );
}

function EditDialog(props: { proxy: ProxyView; onClose: () => void; onDone: () => void }) {
  const [cf, setCf] = useState('');
  const [ua, setUa] = useState(props.proxy.hasOwnUserAgent ? props.proxy.userAgent : '');
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    try {
      // An empty clearance field keeps the current one; "clear" sends null.
      const body: Record<string, unknown> = { id: props.proxy.id, userAgent: ua.trim() === '' ? null : ua.trim() };
      if (cf.trim() !== '') body.cfClearance = cf.trim();
      await api.post('/proxies/update', body);
      toast.ok('Proxy profile saved.');
      props.onDone();
      props.onClose();
    } catch (err) {
      toast.error(err, 'Not saved');
    }
  };
  const clearCf = async (): Promise<void> => {
    try {
      await api.post('/proxies/update', { id: props.proxy.id, cfClearance: null });
      toast.ok('cf_clearance removed.');
      props.onDone();
      props.onClose();
    } catch (err) {
      toast.error(err, 'Not saved');
    }
  };
  return (
    <Modal title={`Cloudflare profile of ${props.proxy.url}`} onClose={props.onClose}>
      <form onSubmit={submit} class="form-grid">
        <label>
          cf_clearance (now: {props.proxy.cfClearance || 'none'}; empty keeps it)
          <input name="cfClearance" autocomplete="off" value={cf} onInput={(e) => setCf(e.currentTarget.value)} />
        </label>
        <label>
          User-Agent of the browser that obtained it (empty = the global grok.user_agent)
          <input name="userAgent" value={ua} onInput={(e) => setUa(e.currentTarget.value)} />
        </label>
        <div class="actions">
          <button type="submit" class="btn btn-primary">
            Save
          </button>
          <button type="button" class="btn" disabled={!props.proxy.cfClearance} onClick={() => void clearCf()}>
            Remove cf_clearance
          </button>
        </div>
      </form>
    </Modal>
  );
}

function BindDialog(props: { proxies: ProxyView[]; onClose: () => void; onDone: () => void }) {
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<TokenRow[]>([]);
  const [account, setAccount] = useState<TokenRow | undefined>(undefined);
  const [proxyId, setProxyId] = useState(props.proxies.find((p) => p.pool === 'app')?.id ?? '');
  const find = async (): Promise<void> => {
    try {
      const r = await api.get<TokenPage>('/tokens', { text: search, page_size: 20 });
      setFound(r.items);
      if (r.items.length === 0) toast.info('No account matches.');
    } catch (err) {
      toast.error(err, 'Search failed');
    }
  };
  const bind = async (pid: string | null): Promise<void> => {
    if (!account) return;
    try {
      await api.post('/proxies/bind', { accountId: account.id, proxyId: pid });
      toast.ok(pid ? `${account.token} pinned to the proxy.` : `${account.token} unpinned.`);
      props.onDone();
      props.onClose();
    } catch (err) {
      toast.error(err, 'Bind failed');
    }
  };
  return (
    <Modal title="Bind an account to a proxy" onClose={props.onClose}>
      <div class="form-grid">
        <label>
          Find the account (masked token, id, note or tag)
          <span class="inline">
            <input value={search} onInput={(e) => setSearch(e.currentTarget.value)} onKeyDown={(e) => e.key === 'Enter' && void find()} />
            <button type="button" class="btn" onClick={() => void find()}>
              Find
            </button>
          </span>
        </label>
        {found.length > 0 && (
          <select aria-label="Account" size={Math.min(6, found.length + 1)} onChange={(e) => setAccount(found.find((r) => r.id === e.currentTarget.value))}>
            {found.map((r) => (
              <option key={r.id} value={r.id}>
                {r.token} · {r.tier} · {r.status}
                {r.proxy ? ` · bound to ${r.proxy}` : ''}
              </option>
            ))}
          </select>
        )}
        <label>
          Proxy
          <select value={proxyId} onChange={(e) => setProxyId(e.currentTarget.value)}>
            {props.proxies
              .filter((p) => p.pool === 'app')
              .map((p) => (
                <option key={p.id} value={p.id}>
                  {p.url} {p.healthy ? '' : '(unhealthy)'}
                </option>
              ))}
          </select>
        </label>
        <div class="actions">
          <button type="button" class="btn btn-primary" disabled={!account || !proxyId} onClick={() => void bind(proxyId)}>
            Pin to this proxy
          </button>
          <button type="button" class="btn" disabled={!account} onClick={() => void bind(null)}>
            Unpin
          </button>
        </div>
      </div>
    </Modal>
  );
}

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
