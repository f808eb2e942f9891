// One setting in the form: an input fitting its type, where its value comes from (default, the
// config file, or the environment, which makes it read-only here), whether a change applies live
// or after a restart, its description, and the validation error for it, if any.
import type { SettingView } from '../../api/types';
import type { Draft } from './setting-value';

function fmtDefault(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '[]' : v.join(', ');
  if (v === '') return '""';
  return String(v);
}

function Input(props: { s: SettingView; draft: Draft; onChange: (d: Draft) => void }) {
  const { s, draft } = props;
  const id = `set-${s.key}`;
  const disabled = s.readOnly;
  if (s.type === 'boolean') {
    return <input id={id} name={s.key} type="checkbox" checked={draft === true} disabled={disabled} onChange={(e) => props.onChange(e.currentTarget.checked)} />;
  }
  if (s.type === 'enum') {
    return (
      <select id={id} name={s.key} value={String(draft)} disabled={disabled} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {(s.enum ?? []).map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    );
  }
  if (s.type === 'string[]' || s.type === 'number[]') {
    return (
      <textarea
        id={id}
        name={s.key}
        rows={Math.min(6, Math.max(2, String(draft).split('\n').length + 1))}
        disabled={disabled}
        spellcheck={false}
        placeholder={s.secret ? (s.isSet ? 'set (hidden): type new values to replace them' : 'not set') : 'one per line'}
        value={String(draft)}
        onInput={(e) => props.onChange(e.currentTarget.value)}
      />
    );
  }
  const numeric = s.type === 'number' || s.type === 'integer';
  return (
    <input
      id={id}
      name={s.key}
      type={s.secret ? 'password' : numeric ? 'number' : 'text'}
      autocomplete={s.secret ? 'new-password' : 'off'}
      step={s.type === 'integer' ? 1 : 'any'}
      min={s.min}
      max={s.max}
      disabled={disabled}
      placeholder={s.secret ? (s.isSet ? `set (${String(s.value)}): type a new value to replace it` : 'not set') : ''}
      value={String(draft)}
      onInput={(e) => props.onChange(e.currentTarget.value)}
    />
  );
}

export function SettingField(props: { s: SettingView; draft: Draft; dirty: boolean; error?: string | undefined; onChange: (d: Draft) => void; onReset: () => void }) {
  const { s } = props;
  return (
    <div class={`setting${props.dirty ? ' dirty' : ''}${props.error ? ' has-error' : ''}`} data-key={s.key}>
      <div class="setting-head">
        <label for={`set-${s.key}`} class="setting-key">
          {s.key}
        </label>
        <span class={`badge src-${s.source}`} title={s.source === 'env' ? s.envVar : undefined}>
          {s.source}
        </span>
        {s.applies === 'restart' && (
          <span class="badge badge-warn" title="Saved at once, used after a restart">
            restart
          </span>
        )}
        {s.source === 'file' && !s.readOnly && (
          <button type="button" class="btn btn-link btn-small" onClick={props.onReset} title="Remove it from config.toml so the default applies">
            reset to default
          </button>
        )}
      </div>
      <Input s={s} draft={props.draft} onChange={props.onChange} />
      {props.error && (
        <div class="field-error" role="alert">
          {props.error}
        </div>
      )}
      {s.readOnly && (
        <div class="note">
          {s.source === 'env' ? (
            <>
              Set by the environment variable <code>{s.envVar}</code>: read-only here. Change or remove the variable and restart.
            </>
          ) : s.key === 'admin.password' ? (
            <>Change the admin password on the Password page.</>
          ) : (
            <>Read-only here.</>
          )}
        </div>
      )}
      <div class="setting-desc">
        {s.description}
        <span class="muted"> Default: {fmtDefault(s.default)}.</span>
        {!s.readOnly && <span class="muted"> Env: {s.envVar}.</span>}
      </div>
    </div>
  );
}
