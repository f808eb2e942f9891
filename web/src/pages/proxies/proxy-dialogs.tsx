// The proxies page's dialogs: bulk import (bad lines reported by number), one proxy's Cloudflare
// profile, and binding (pinning) an account to a proxy.
import { useState } from 'preact/hooks';
import { api } from '../../api/client';
import type { ProxyAddResult, ProxyView, TokenPage, TokenRow } from '../../api/types';
import { ImportResult } from '../../ui/import-result';
import { Modal } from '../../ui/modal';
import { toast } from '../../ui/toast';

export function ImportDialog(props: { onClose: () => void; onDone: () => void }) {
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

export function EditDialog(props: { proxy: ProxyView; onClose: () => void; onDone: () => void }) {
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

export function BindDialog(props: { proxies: ProxyView[]; onClose: () => void; onDone: () => void }) {
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
