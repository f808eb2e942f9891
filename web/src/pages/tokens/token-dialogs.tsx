// Dialogs of the token page: bulk add, bulk tags / note / tier, and one account's upstream test.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api/client';
import { TIERS, type AddTokensResult, type Tier, type TokenRow, type TokenTestResult } from '../../api/types';
import { ImportResult } from '../../ui/import-result';
import { Modal } from '../../ui/modal';
import { toast } from '../../ui/toast';

const splitTags = (s: string): string[] =>
  s
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);

export function AddTokensDialog(props: { onClose: () => void; onDone: () => void }) {
  const [text, setText] = useState('');
  const [tier, setTier] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AddTokensResult | undefined>(undefined);
  const lines = text.split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;

  const report = (r: AddTokensResult): void => {
    setResult(r);
    toast.ok(`${r.added} added, ${r.updated} updated${r.errors.length > 0 ? `, ${r.errors.length} line(s) rejected` : ''}.`);
    props.onDone();
  };

  /** The Python grok2api's data/token.json, sent as is ({ tokenFile }). */
  const importFile = async (file: File | undefined): Promise<void> => {
    if (!file) return;
    setBusy(true);
    try {
      let tokenFile: unknown;
      try {
        tokenFile = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON: expected the Python grok2api's data/token.json`);
      }
      report(await api.post<AddTokensResult>('/tokens/add', { tokenFile }));
    } catch (err) {
      toast.error(err, 'Nothing imported');
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      const body: { text: string; tier?: string; tags?: string[] } = { text };
      if (tier) body.tier = tier;
      const t = splitTags(tags);
      if (t.length > 0) body.tags = t;
      const r = await api.post<AddTokensResult>('/tokens/add', body);
      // The pasted tokens leave the page as soon as they are in.
      setText('');
      report(r);
    } catch (err) {
      toast.error(err, 'Nothing added');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Add tokens" onClose={props.onClose} wide>
      <form onSubmit={submit} class="form-grid" aria-label="Add tokens">
        <label>
          SSO tokens, one per line
          <textarea
            name="tokens"
            rows={10}
            spellcheck={false}
            autocomplete="off"
            placeholder={'eyJhbGciOi...\neyJhbGciOi... super vip,team-a'}
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
          />
          <span class="muted small">
            Each line: <code>token [basic|super|heavy] [tag,tag]</code>; <code>sso=</code> prefixes, <code>tier=</code>/<code>tags=</code> and <code>proxyURL@token</code>{' '}
            work too. Blank lines and <code># comments</code> are skipped. A token already in the pool is updated, never duplicated.
          </span>
        </label>
        <div class="row-fields">
          <label>
            Tier for lines that do not say
            <select name="tier" value={tier} onChange={(e) => setTier(e.currentTarget.value)}>
              <option value="">accounts.default_tier</option>
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
          <label>
            Tags for every line
            <input name="tags" value={tags} placeholder="imported, batch-3" onInput={(e) => setTags(e.currentTarget.value)} />
          </label>
        </div>
        <label>
          Or import the Python grok2api's <code>data/token.json</code>
          <input type="file" name="tokenFile" accept=".json,application/json" disabled={busy} onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
        </label>
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy || lines === 0}>
            {busy ? 'Adding…' : `Add ${lines} line${lines === 1 ? '' : 's'}`}
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Close
          </button>
        </div>
      </form>
      {result && (
        <ImportResult result={result} testId="add-result">
          {result.results.length > 0 && (
            <details>
              <summary>Per line</summary>
              <ul class="plain-list">
                {result.results.slice(0, 500).map((r) => (
                  <li key={`${r.line}-${r.id}`}>
                    Line {r.line}: <code>{r.token}</code> {r.result}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </ImportResult>
      )}
    </Modal>
  );
}

export type BulkEdit = 'tags' | 'note' | 'tier';

/** Tags, note or tier for the selected accounts (one request per 20 000 ids). */
export function BulkEditDialog(props: { kind: BulkEdit; count: number; onClose: () => void; onApply: (value: string) => Promise<void> }) {
  const [value, setValue] = useState(props.kind === 'tier' ? 'basic' : '');
  const [busy, setBusy] = useState(false);
  const titles: Record<BulkEdit, string> = { tags: 'Set tags', note: 'Set note', tier: 'Set tier' };
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onApply(value);
      props.onClose();
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`${titles[props.kind]} (${props.count} selected)`} onClose={props.onClose}>
      <form onSubmit={submit} class="form-grid">
        {props.kind === 'tags' && (
          <label>
            Tags (comma separated; replaces the current tags, empty clears them)
            <input name="tags" value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
        )}
        {props.kind === 'note' && (
          <label>
            Note (empty clears it)
            <textarea name="note" rows={3} maxLength={2000} value={value} onInput={(e) => setValue(e.currentTarget.value)} />
          </label>
        )}
        {props.kind === 'tier' && (
          <label>
            Tier (pinned: a quota sync will not change it)
            <select name="tier" value={value} onChange={(e) => setValue(e.currentTarget.value)}>
              {TIERS.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </label>
        )}
        <div class="actions">
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Apply
          </button>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}

export const tagsFrom = splitTags;
export const isTier = (v: string): v is Tier => (TIERS as readonly string[]).includes(v);

function Outcome(props: { label: string; o: TokenTestResult['sync'] | undefined }) {
  if (!props.o) return null;
  return (
    <p>
      <strong>{props.label}:</strong> <span class={props.o.ok ? 'ok' : 'bad'}>{props.o.ok ? 'OK' : 'failed'}</span> in {props.o.ms} ms
      {props.o.tier && <> · tier {props.o.tier}</>}
      {props.o.reply && <> · replied “{props.o.reply}”</>}
      {props.o.kind && <> · {props.o.kind}</>}
      {props.o.message && <span class="muted"> · {props.o.message}</span>}
    </p>
  );
}

/** Runs the quota-sync test on open; a chat test (spends one fast query) on request. */
export function TestDialog(props: { row: TokenRow; onClose: () => void; onDone: () => void }) {
  const [result, setResult] = useState<TokenTestResult | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const run = async (chat: boolean): Promise<void> => {
    setBusy(true);
    try {
      const r = await api.post<TokenTestResult>('/tokens/test', { id: props.row.id, chat });
      setResult(r);
      if (r.ok) toast.ok(`${r.token}: test passed (${r.status}, ${r.tier}).`);
      else toast.error(`${r.token}: test failed${r.sync.kind ? ` (${r.sync.kind})` : r.chat?.kind ? ` (${r.chat.kind})` : ''}; status now ${r.status}.`);
      props.onDone();
    } catch (err) {
      toast.error(err, 'Test failed');
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    void run(false);
  }, []);
  return (
    <Modal title={`Test ${props.row.token}`} onClose={props.onClose}>
      {busy && !result && <p>Testing…</p>}
      {result && (
        <div data-testid="test-result">
          <p>
            Result: <strong class={result.ok ? 'ok' : 'bad'}>{result.ok ? 'OK' : 'failed'}</strong> · status {result.status} · tier {result.tier}
          </p>
          <Outcome label="Quota sync" o={result.sync} />
          <Outcome label="Chat" o={result.chat} />
        </div>
      )}
      <div class="actions">
        <button type="button" class="btn" disabled={busy} onClick={() => void run(true)}>
          Test with a chat (spends one query)
        </button>
        <button type="button" class="btn" onClick={props.onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
