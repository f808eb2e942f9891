// Tokens (accounts): filter by status / tier / tag / text, server-side paging (10 000 accounts are
// never all in the page), a selection that can span pages ("select all matching"), and bulk
// actions on it: delete, tags, note, tier, enable, disable, quota refresh, export.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { STATUSES, TIERS, type RefreshResult, type TokenPage, type TokenRow } from '../../api/types';
import { ErrorBox } from '../../ui/error-box';
import { Pager } from '../../ui/pager';
import { replaceParams } from '../../ui/router';
import { toast } from '../../ui/toast';
import { useLoad } from '../../ui/use-load';
import type { PageProps } from '../page-props';
import { AddTokensDialog, BulkEditDialog, TestDialog, isTier, tagsFrom, type BulkEdit } from './token-dialogs';
import { downloadExport } from './token-export';
import { allMatchingIds, filtersFrom, inChunks, loadTokens, paramsOf, SORTS, type TokenFilters } from './token-query';
import { TokenTable } from './token-table';

const MAX_IDS = 20_000;

function Summary(props: { page: TokenPage | undefined }) {
  const s = props.page?.summary;
  if (!s) return null;
  return (
    <p class="muted small">
      Pool: {s.total.toLocaleString()} accounts · {s.active.toLocaleString()} active · {s.cooling.toLocaleString()} cooling · {s.invalid.toLocaleString()} invalid ·{' '}
      {s.disabled.toLocaleString()} disabled
    </p>
  );
}

export function TokensPage(props: PageProps) {
  const f = filtersFrom(props.route.params);
  const [text, setText] = useState(f.text);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<{ kind: 'add' } | { kind: 'edit'; edit: BulkEdit } | { kind: 'test'; row: TokenRow } | undefined>(undefined);
  const [busy, setBusy] = useState('');
  const key = JSON.stringify(f);
  const list = useLoad(() => loadTokens(f), [key]);

  const update = (patch: Partial<TokenFilters>): void => {
    // Any filter change goes back to page 1 and clears the selection (it was over other rows).
    const next = { ...f, page: 1, ...patch };
    if (!('page' in patch)) setSelected(new Set());
    replaceParams(paramsOf(next));
  };

  // Search as you type, after a pause.
  useEffect(() => {
    if (text === f.text) return;
    const id = setTimeout(() => update({ text }), 300);
    return () => clearTimeout(id);
  }, [text]);

  const rows = list.data?.items ?? [];
  const ids = useMemo(() => [...selected], [selected]);
  const toggle = (id: string): void => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  };
  const togglePage = (on: boolean): void => {
    const next = new Set(selected);
    for (const r of rows) {
      if (on) next.add(r.id);
      else next.delete(r.id);
    }
    setSelected(next);
  };

  const selectAllMatching = async (): Promise<void> => {
    setBusy('Selecting…');
    try {
      const all = await allMatchingIds(f, (n, total) => setBusy(`Selecting ${n.toLocaleString()} of ${total.toLocaleString()}…`));
      setSelected(new Set(all));
      toast.info(`${all.length.toLocaleString()} accounts selected.`);
    } catch (err) {
      toast.error(err, 'Could not select');
    } finally {
      setBusy('');
    }
  };

  /** Runs a bulk action, reports it, reloads the page. */
  const bulk = async (label: string, run: () => Promise<string>): Promise<void> => {
    setBusy(`${label}…`);
    try {
      toast.ok(await run());
      list.reload();
    } catch (err) {
      toast.error(err, `${label} failed`);
    } finally {
      setBusy('');
    }
  };

  const post = (path: string, extra: Record<string, unknown>, field: 'updated' | 'deleted') => (chunk: string[]) =>
    api.post<Record<string, number>>(path, { ids: chunk, ...extra }).then((r) => r[field] ?? 0);

  const del = (): void => {
    if (!confirm(`Delete ${ids.length} account(s)? Their tokens are removed from the pool.`)) return;
    void bulk('Delete', async () => {
      const n = await inChunks(ids, MAX_IDS, post('/tokens/delete', {}, 'deleted'));
      setSelected(new Set());
      return `${n} account(s) deleted.`;
    });
  };

  const applyEdit = async (kind: BulkEdit, value: string): Promise<void> => {
    await bulk(`Set ${kind}`, async () => {
      let n: number;
      if (kind === 'tags') n = await inChunks(ids, MAX_IDS, post('/tokens/tags', { tags: tagsFrom(value) }, 'updated'));
      else if (kind === 'note') n = await inChunks(ids, MAX_IDS, post('/tokens/note', { note: value }, 'updated'));
      else {
        if (!isTier(value)) throw new Error(`Unknown tier ${value}`);
        n = await inChunks(ids, MAX_IDS, post('/tokens/tier', { tier: value }, 'updated'));
      }
      return `${kind} set on ${n} account(s).`;
    });
  };

  const enable = (on: boolean): void =>
    void bulk(on ? 'Enable' : 'Disable', async () => {
      const n = await inChunks(ids, MAX_IDS, post(on ? '/tokens/enable' : '/tokens/disable', {}, 'updated'));
      return `${n} account(s) ${on ? 'enabled' : 'disabled'}.`;
    });

  const refresh = (only?: string[]): void =>
    void bulk('Quota refresh', async () => {
      const target = only ?? ids;
      if (target.length === 0) {
        const r = await api.post<{ queued: number; pending: number }>('/tokens/refresh', {});
        return `Quota refresh queued for ${r.queued} account(s); the table fills in as they finish.`;
      }
      let ok = 0;
      let failed = 0;
      const problems: string[] = [];
      for (let i = 0; i < target.length; i += 500) {
        const r = await api.post<RefreshResult>('/tokens/refresh', { ids: target.slice(i, i + 500) });
        ok += r.ok;
        failed += r.failed;
        for (const x of r.results) if (!x.ok && problems.length < 3) problems.push(`${x.token ?? x.id}: ${x.kind ?? ''} ${x.message ?? ''}`.trim());
      }
      return `Quota refreshed: ${ok} ok, ${failed} failed${problems.length ? ` (${problems.join('; ')})` : ''}.`;
    });

  const exportTokens = (): void =>
    void bulk('Export', async () => {
      const n = await downloadExport(ids);
      return `Exported ${n} token(s) (whole tokens: keep the file safe).`;
    });

  const page = list.data;
  const none = ids.length === 0;
  return (
    <div class="stack">
      <div class="toolbar">
        <button type="button" class="btn btn-primary" onClick={() => setDialog({ kind: 'add' })}>
          Add tokens
        </button>
        <input class="search" type="search" aria-label="Search tokens" placeholder="Search token, id, note, tag" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <select aria-label="Status filter" value={f.status} onChange={(e) => update({ status: e.currentTarget.value })}>
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
        <select aria-label="Tier filter" value={f.tier} onChange={(e) => update({ tier: e.currentTarget.value })}>
          <option value="">Any tier</option>
          {TIERS.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
        <select aria-label="Tag filter" value={f.tag} onChange={(e) => update({ tag: e.currentTarget.value })}>
          <option value="">Any tag</option>
          {(page?.tags ?? []).map((t) => (
            <option key={t.tag} value={t.tag}>
              {t.tag} ({t.count})
            </option>
          ))}
          {f.tag && !(page?.tags ?? []).some((t) => t.tag === f.tag) && <option value={f.tag}>{f.tag}</option>}
        </select>
        <select aria-label="Sort by" value={f.sort} onChange={(e) => update({ sort: e.currentTarget.value })}>
          {SORTS.map((s) => (
            <option key={s.id} value={s.id}>
              Sort: {s.label}
            </option>
          ))}
        </select>
        <button type="button" class="btn" aria-label="Sort order" onClick={() => update({ order: f.order === 'desc' ? 'asc' : 'desc' })}>
          {f.order === 'desc' ? '↓ desc' : '↑ asc'}
        </button>
        <button type="button" class="btn" onClick={list.reload} disabled={list.loading}>
          Reload
        </button>
      </div>
      <Summary page={page} />
      <div class="toolbar bulkbar" aria-label="Bulk actions">
        <span class="selection">
          {ids.length.toLocaleString()} selected
          {page && ids.length < page.total && (
            <button type="button" class="btn btn-link" onClick={() => void selectAllMatching()} disabled={busy !== ''}>
              Select all {page.total.toLocaleString()} matching
            </button>
          )}
          {!none && (
            <button type="button" class="btn btn-link" onClick={() => setSelected(new Set())}>
              Clear
            </button>
          )}
        </span>
        <button type="button" class="btn" disabled={none || busy !== ''} onClick={() => setDialog({ kind: 'edit', edit: 'tags' })}>
          Tags
        </button>
        <button type="button" class="btn" disabled={none || busy !== ''} onClick={() => setDialog({ kind: 'edit', edit: 'note' })}>
          Note
        </button>
        <button type="button" class="btn" disabled={none || busy !== ''} onClick={() => setDialog({ kind: 'edit', edit: 'tier' })}>
          Tier
        </button>
        <button type="button" class="btn" disabled={none || busy !== ''} onClick={() => enable(true)}>
          Enable
        </button>
        <button type="button" class="btn" disabled={none || busy !== ''} onClick={() => enable(false)}>
          Disable
        </button>
        <button type="button" class="btn" disabled={busy !== ''} onClick={() => refresh()} title="Without a selection: every account, in the background">
          {none ? 'Refresh all quotas' : 'Refresh quotas'}
        </button>
        <button type="button" class="btn" disabled={busy !== ''} onClick={exportTokens} title="Downloads whole tokens (the selection, or every account)">
          {none ? 'Export all' : 'Export selected'}
        </button>
        <button type="button" class="btn btn-danger" disabled={none || busy !== ''} onClick={del}>
          Delete
        </button>
        {busy && <span class="muted small">{busy}</span>}
      </div>
      {list.error !== undefined && <ErrorBox error={list.error} onRetry={list.reload} />}
      {page && (
        <>
          <TokenTable rows={page.items} selected={selected} onToggle={toggle} onTogglePage={togglePage} onTest={(row) => setDialog({ kind: 'test', row })} onRefresh={(row) => refresh([row.id])} />
          <Pager page={page.page} pageSize={page.pageSize} total={page.total} onPage={(p) => update({ page: p })} onSize={(size) => update({ size, page: 1 })} />
        </>
      )}
      {!page && list.loading && <p class="muted">Loading…</p>}
      {dialog?.kind === 'add' && <AddTokensDialog onClose={() => setDialog(undefined)} onDone={list.reload} />}
      {dialog?.kind === 'edit' && <BulkEditDialog kind={dialog.edit} count={ids.length} onClose={() => setDialog(undefined)} onApply={(v) => applyEdit(dialog.edit, v)} />}
      {dialog?.kind === 'test' && <TestDialog row={dialog.row} onClose={() => setDialog(undefined)} onDone={list.reload} />}
    </div>
  );
}
