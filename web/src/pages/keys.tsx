// Keys: client API keys for /v1 with their limits, model allow-list and usage. The secret is shown
// once, right after creation, with a copy button; listings only ever show the masked form.
// Static keys (app.api_keys) are listed read-only.
import { useState } from 'preact/hooks';
import { api, errorFrom } from '../api/client';
import { ErrorBox } from '../ui/error-box';
import { fmtNum } from '../ui/format';
import { Modal } from '../ui/modal';
import { toast } from '../ui/toast';
import { useLoad } from '../ui/use-load';
import type { PageProps } from './page-props';

interface Limits {
  rpm?: number;
  concurrency?: number;
  requests_per_day?: number;
  tokens_per_day?: number;
  monthly_requests?: number;
}

interface KeyView {
  id: string;
  name: string;
  note: string;
  masked: string;
  models: string[];
  limits: Limits;
  enabled: boolean;
  expires_at: string | null;
  created_at: string;
}

interface KeyList {
  items: KeyView[];
  static: Array<{ masked: string }>;
}

interface Totals {
  requests: number;
  errors: number;
  tokensIn: number;
  tokensOut: number;
}

interface KeyStat {
  id: string;
  today: Totals;
  total: Totals;
  byDay: Array<Totals & { day: string }>;
}

interface KeyUsage {
  total: Totals;
  today: Totals;
  byModel: Record<string, Totals>;
  byDay: Array<Totals & { day: string }>;
}

const LIMITS: Array<{ key: keyof Limits; label: string }> = [
  { key: 'rpm', label: 'Requests / minute' },
  { key: 'concurrency', label: 'Concurrent requests' },
  { key: 'requests_per_day', label: 'Requests / day' },
  { key: 'tokens_per_day', label: 'Tokens / day' },
  { key: 'monthly_requests', label: 'Requests / month' },
];

async function send<T>(method: 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

function limitsText(l: Limits): string {
  const parts = LIMITS.filter((x) => l[x.key] !== undefined).map((x) => `${fmtNum(l[x.key] ?? 0)} ${x.label.toLowerCase()}`);
  return parts.length ? parts.join(' · ') : 'unlimited';
}

/** Requests per day as a tiny line (last 14 days); no axis, the numbers are beside it. */
function Sparkline(props: { days: Array<{ requests: number }> }) {
  const d = props.days;
  if (d.length === 0) return <span class="muted tiny">no calls yet</span>;
  const max = Math.max(1, ...d.map((x) => x.requests));
  const w = 80;
  const h = 20;
  const step = d.length > 1 ? w / (d.length - 1) : 0;
  const pts = d.map((x, i) => `${(i * step).toFixed(1)},${(h - (x.requests / max) * (h - 2) - 1).toFixed(1)}`).join(' ');
  return (
    <svg class="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} aria-label="Requests per day">
      <polyline fill="none" stroke="currentColor" stroke-width="1.5" points={d.length > 1 ? pts : `0,${h / 2} ${w},${h / 2}`} />
    </svg>
  );
}

function KeyForm(props: { initial?: KeyView; onClose: () => void; onSaved: (secret?: string) => void }) {
  const init = props.initial;
  const [name, setName] = useState(init?.name ?? '');
  const [note, setNote] = useState(init?.note ?? '');
  const [models, setModels] = useState((init?.models ?? []).join(', '));
  const [expires, setExpires] = useState(init?.expires_at ? init.expires_at.slice(0, 16) : '');
  const [limits, setLimits] = useState<Record<string, string>>(Object.fromEntries(LIMITS.map((x) => [x.key, init?.limits[x.key] !== undefined ? String(init.limits[x.key]) : ''])));
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const lim: Record<string, number | null> = {};
      for (const x of LIMITS) {
        const v = (limits[x.key] ?? '').trim();
        if (v !== '') lim[x.key] = Number(v);
        else if (init) lim[x.key] = null;
      }
      const body = {
        name: name.trim(),
        note,
        models: models
          .split(/[\s,]+/)
          .map((m) => m.trim())
          .filter(Boolean),
        expires_at: expires ? new Date(expires).toISOString() : null,
        limits: lim,
      };
      // Closed first: for a new key, onSaved then opens the dialog showing its secret.
      if (init) {
        await send('PATCH', `/keys/${init.id}`, body);
        toast.ok(`Key "${body.name}" saved.`);
        props.onClose();
        props.onSaved();
      } else {
        const created = await api.post<KeyView & { key: string }>('/keys', body);
        props.onClose();
        props.onSaved(created.key);
      }
    } catch (err) {
      toast.error(err, 'Not saved');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={init ? `Edit ${init.name}` : 'Create a key'} onClose={props.onClose} wide>
      <form onSubmit={submit} class="form-grid" aria-label={init ? 'Edit key' : 'Create key'}>
        <label>
          Name
          <input name="name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label>
          Note
          <input name="note" maxLength={1000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
        <label>
          Allowed models (ids or aliases, comma separated; empty = every model)
          <input name="models" value={models} onInput={(e) => setModels(e.currentTarget.value)} />
        </label>
        <label>
          Expires (empty = never)
          <input name="expires" type="datetime-local" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
        </label>
        {LIMITS.map((x) => (
          <label key={x.key}>
            {x.label} (empty = unlimited)
            <input name={x.key} type="number" min={1} step={1} value={limits[x.key]} onInput={(e) => setLimits({ ...limits, [x.key]: e.currentTarget.value })} />
          </label>
        ))}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || name.trim() === ''}>
            {init ? 'Save' : 'Create'}
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

function SecretDialog(props: { secret: string; onClose: () => void }) {
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(props.secret);
      toast.ok('Copied to the clipboard.');
    } catch {
      toast.error('The browser refused the clipboard: select the key and copy it by hand.');
    }
  };
  return (
    <Modal title="Your new key" onClose={props.onClose}>
      <div class="form-grid">
        <p>Copy it now: it is shown this once. The gateway keeps only its hash.</p>
        <code class="token" data-testid="new-key-secret">
          {props.secret}
        </code>
        <div class="actions">
          <button type="button" class="btn btn-primary" onClick={() => void copy()}>
            Copy
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Done
          </button>
        </div>
      </div>
    </Modal>
  );
}

function UsageDialog(props: { keyView: KeyView; onClose: () => void }) {
  const usage = useLoad(() => api.get<KeyUsage>(`/keys/${props.keyView.id}/usage`), [props.keyView.id]);
  const u = usage.data;
  return (
    <Modal title={`Usage of ${props.keyView.name}`} onClose={props.onClose} wide>
      {usage.error !== undefined && <ErrorBox error={usage.error} onRetry={usage.reload} />}
      {u && (
        <div class="stack" data-testid="key-usage">
          <p>
            Total: {fmtNum(u.total.requests)} requests ({fmtNum(u.total.errors)} errors), {fmtNum(u.total.tokensIn)} tokens in, {fmtNum(u.total.tokensOut)} out. Today:{' '}
            {fmtNum(u.today.requests)} requests.
          </p>
          <div class="table-wrap">
            <table class="table compact">
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Requests</th>
                  <th>Errors</th>
                  <th>Tokens in</th>
                  <th>Tokens out</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(u.byModel).map(([m, t]) => (
                  <tr key={m}>
                    <td>{m}</td>
                    <td>{fmtNum(t.requests)}</td>
                    <td>{fmtNum(t.errors)}</td>
                    <td>{fmtNum(t.tokensIn)}</td>
                    <td>{fmtNum(t.tokensOut)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <a class="btn" href={`/api/keys/${props.keyView.id}/usage?format=csv`} download>
            Export CSV
          </a>
        </div>
      )}
    </Modal>
  );
}

export function KeysPage(_props: PageProps) {
  const list = useLoad(() => api.get<KeyList>('/keys'), [], { refreshMs: 15_000 });
  const stats = useLoad(() => api.get<{ keys?: KeyStat[] }>('/stats'), [], { refreshMs: 15_000 });
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'edit'; key: KeyView } | { kind: 'usage'; key: KeyView } | { kind: 'secret'; secret: string } | undefined>(undefined);
  const usageOf = new Map((stats.data?.keys ?? []).map((k) => [k.id, k]));
  const reload = (): void => {
    list.reload();
    stats.reload();
  };

  const toggle = async (k: KeyView): Promise<void> => {
    if (k.enabled && !confirm(`Disable "${k.name}"? Its clients get 401 from their next request.`)) return;
    try {
      await send('PATCH', `/keys/${k.id}`, { enabled: !k.enabled });
      toast.ok(`Key "${k.name}" ${k.enabled ? 'disabled' : 'enabled'}.`);
      reload();
    } catch (err) {
      toast.error(err, 'Not changed');
    }
  };
  const del = async (k: KeyView): Promise<void> => {
    if (!confirm(`Delete "${k.name}" and its usage? Its clients get 401 from their next request. This cannot be undone.`)) return;
    try {
      await send('DELETE', `/keys/${k.id}`);
      toast.ok(`Key "${k.name}" deleted.`);
      reload();
    } catch (err) {
      toast.error(err, 'Not deleted');
    }
  };

  const items = list.data?.items ?? [];
  return (
    <div class="stack">
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setDialog({ kind: 'create' })}>
          Create key
        </button>
        <a class="btn" href="/api/keys/usage.csv" download>
          Export usage (CSV)
        </a>
        {list.data && <span class="muted small">{items.length} client key(s)</span>}
      </div>
      {list.error !== undefined && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.data && items.length === 0 && <p class="muted">No client keys yet. Create one to give a client its own limits and usage.</p>}
      {items.length > 0 && (
        <div class="table-wrap">
          <table class="table keys-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Key</th>
                <th>Models</th>
                <th>Limits</th>
                <th>Today</th>
                <th>14 days</th>
                <th>Status</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items.map((k) => {
                const u = usageOf.get(k.id);
                const expired = k.expires_at !== null && Date.parse(k.expires_at) <= Date.now();
                return (
                  <tr key={k.id} data-id={k.id}>
                    <td>
                      {k.name}
                      {k.note && <div class="muted tiny">{k.note}</div>}
                    </td>
                    <td>
                      <code class="token">{k.masked}</code>
                    </td>
                    <td>{k.models.length ? k.models.join(', ') : <span class="muted">all</span>}</td>
                    <td class="small">{limitsText(k.limits)}</td>
                    <td data-testid="key-today">{u ? `${fmtNum(u.today.requests)} req · ${fmtNum(u.today.tokensIn + u.today.tokensOut)} tok` : '–'}</td>
                    <td>
                      <Sparkline days={u?.byDay ?? []} />
                    </td>
                    <td>
                      <span class={`badge ${k.enabled && !expired ? 'status-active' : 'status-disabled'}`}>{!k.enabled ? 'disabled' : expired ? 'expired' : 'enabled'}</span>
                      {k.expires_at && <div class="muted tiny">until {new Date(k.expires_at).toLocaleString()}</div>}
                    </td>
                    <td class="col-actions">
                      <button type="button" class="btn btn-small" onClick={() => setDialog({ kind: 'usage', key: k })}>
                        Usage
                      </button>
                      <button type="button" class="btn btn-small" onClick={() => setDialog({ kind: 'edit', key: k })}>
                        Edit
                      </button>
                      <button type="button" class="btn btn-small" onClick={() => void toggle(k)}>
                        {k.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button type="button" class="btn btn-small btn-danger" onClick={() => void del(k)}>
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {(list.data?.static.length ?? 0) > 0 && (
        <section class="card">
          <h2>Static keys</h2>
          <p class="muted small">From app.api_keys / GROK2API_APP_API_KEYS: unlimited, changed only in the configuration.</p>
          <ul>
            {list.data?.static.map((s) => (
              <li key={s.masked}>
                <code class="token">{s.masked}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {dialog?.kind === 'create' && (
        <KeyForm
          onClose={() => setDialog(undefined)}
          onSaved={(secret) => {
            reload();
            setDialog(secret ? { kind: 'secret', secret } : undefined);
          }}
        />
      )}
      {dialog?.kind === 'edit' && <KeyForm initial={dialog.key} onClose={() => setDialog(undefined)} onSaved={reload} />}
      {dialog?.kind === 'usage' && <UsageDialog keyView={dialog.key} onClose={() => setDialog(undefined)} />}
      {dialog?.kind === 'secret' && <SecretDialog secret={dialog.secret} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
