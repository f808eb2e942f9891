// Settings: a form built from GET /api/settings, grouped by section, with the models list. Only
// changed keys are sent (POST /api/settings); the server validates the whole change and writes
// nothing when any value is wrong, and its errors are shown next to the keys they name.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, api } from '../../api/client';
import type { ModelView, SettingsResponse, SettingsSaved, SettingView } from '../../api/types';
import { ErrorBox } from '../../ui/error-box';
import { toast } from '../../ui/toast';
import { useLoad } from '../../ui/use-load';
import type { PageProps } from '../page-props';
import { SettingField } from './setting-field';
import { changed, draftOf, errorsByKey, valueOf, type Draft } from './setting-value';

function ModelsTable(props: { models: ModelView[]; enabled: Record<string, boolean>; onToggle: (id: string, on: boolean) => void }) {
  return (
    <div class="table-wrap">
      <table class="table compact">
        <thead>
          <tr>
            <th>Enabled</th>
            <th>Model</th>
            <th>Kind</th>
            <th>Min. tier</th>
            <th>Aliases</th>
          </tr>
        </thead>
        <tbody>
          {props.models.map((m) => (
            <tr key={m.id}>
              <td>
                <input type="checkbox" aria-label={`Enable ${m.id}`} checked={props.enabled[m.id] ?? m.enabled} onChange={(e) => props.onToggle(m.id, e.currentTarget.checked)} />
              </td>
              <td>
                <code>{m.id}</code>
                {m.description && <div class="muted tiny">{m.description}</div>}
              </td>
              <td>{m.kind}</td>
              <td>{m.tier}</td>
              <td class="muted small">{(m.aliases ?? []).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function SettingsPage(_props: PageProps) {
  const loaded = useLoad(() => api.get<SettingsResponse>('/settings'), []);
  const [data, setData] = useState<SettingsResponse | undefined>(undefined);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [models, setModels] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState(false);

  const reset = (d: SettingsResponse): void => {
    setData(d);
    setDrafts(Object.fromEntries(d.settings.map((s) => [s.key, draftOf(s)])));
    setModels({});
    setErrors({});
  };
  useEffect(() => {
    if (loaded.data) reset(loaded.data);
  }, [loaded.data]);

  const sections = useMemo(() => {
    const out = new Map<string, SettingView[]>();
    const q = filter.trim().toLowerCase();
    for (const s of data?.settings ?? []) {
      if (q && !s.key.includes(q) && !s.description.toLowerCase().includes(q)) continue;
      const list = out.get(s.section) ?? [];
      list.push(s);
      out.set(s.section, list);
    }
    return out;
  }, [data, filter]);

  if (loaded.error !== undefined && !data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  if (!data) return <p class="muted">Loading…</p>;

  const dirtyKeys = data.settings.filter((s) => !s.readOnly && drafts[s.key] !== undefined && changed(s, drafts[s.key] as Draft)).map((s) => s.key);
  const modelChanges = Object.entries(models).filter(([id, on]) => data.models.find((m) => m.id === id)?.enabled !== on);
  const dirty = dirtyKeys.length + modelChanges.length;

  const save = async (changes: Record<string, unknown>): Promise<void> => {
    setBusy(true);
    try {
      const r = await api.post<SettingsSaved>('/settings', { changes });
      reset(r);
      const parts = [`${r.applied.length} applied now`];
      if (r.restartRequired.length > 0) parts.push(`${r.restartRequired.length} after a restart (${r.restartRequired.join(', ')})`);
      toast.ok(r.applied.length + r.restartRequired.length === 0 ? 'Nothing changed.' : `Settings saved: ${parts.join(', ')}.`);
    } catch (err) {
      if (err instanceof ApiError) setErrors(errorsByKey(err, Object.keys(changes)));
      toast.error(err, 'Settings not saved');
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: Event): void => {
    e.preventDefault();
    const changes: Record<string, unknown> = {};
    const local: Record<string, string> = {};
    for (const key of dirtyKeys) {
      const s = data.settings.find((x) => x.key === key) as SettingView;
      const v = valueOf(s, drafts[key] as Draft);
      if (v.error !== undefined) local[key] = v.error;
      else if ('value' in v) changes[key] = v.value;
    }
    if (modelChanges.length > 0) changes.models = modelChanges.map(([id, enabled]) => ({ id, enabled }));
    setErrors(local);
    if (Object.keys(local).length > 0) {
      toast.error(`Fix ${Object.keys(local).length} value(s) first: ${Object.keys(local).join(', ')}`);
      return;
    }
    if (Object.keys(changes).length === 0) {
      toast.info('Nothing to save.');
      return;
    }
    void save(changes);
  };

  return (
    // noValidate: the browser's own bubbles would block the submit silently for some fields; the
    // page's checks show every problem next to its key instead.
    <form class="stack settings" onSubmit={submit} aria-label="Settings" noValidate>
      <div class="toolbar sticky">
        <input type="search" class="search" aria-label="Find a setting" placeholder="Find a setting" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        <button type="submit" class="btn btn-primary" disabled={busy || dirty === 0}>
          {busy ? 'Saving…' : `Save ${dirty > 0 ? `${dirty} change${dirty === 1 ? '' : 's'}` : ''}`}
        </button>
        <button type="button" class="btn" disabled={dirty === 0} onClick={() => reset(data)}>
          Discard
        </button>
        <span class="muted small">Saved to DATA_DIR/config.toml. “restart” keys are saved now and used after a restart.</span>
      </div>
      <nav class="section-links" aria-label="Sections">
        {[...sections.keys()].map((name) => (
          <a key={name} href={`#/settings`} onClick={(e) => {
            e.preventDefault();
            document.getElementById(`section-${name}`)?.scrollIntoView({ behavior: 'smooth' });
          }}>
            {name}
          </a>
        ))}
      </nav>
      {[...sections].map(([name, list]) => (
        <fieldset key={name} class="card section" id={`section-${name}`}>
          <legend>{name}</legend>
          {list.map((s) => (
            <SettingField
              key={s.key}
              s={s}
              draft={drafts[s.key] ?? draftOf(s)}
              dirty={dirtyKeys.includes(s.key)}
              error={errors[s.key]}
              onChange={(d) => setDrafts({ ...drafts, [s.key]: d })}
              onReset={() => {
                if (confirm(`Reset ${s.key} to its default?`)) void save({ [s.key]: null });
              }}
            />
          ))}
        </fieldset>
      ))}
      {!filter && (
        <fieldset class="card section" id="section-models">
          <legend>models</legend>
          <p class="muted small">Disabled models are hidden from /v1/models and refused. Add or change models in config.toml ([[models]]).</p>
          <ModelsTable models={data.models} enabled={models} onToggle={(id, on) => setModels({ ...models, [id]: on })} />
        </fieldset>
      )}
    </form>
  );
}
