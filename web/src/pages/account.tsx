// Password change (POST /api/password): every other session ends; this one stays.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api/client';
import { toast } from '../ui/toast';
import type { PageProps } from './page-props';

const MIN = 10;

export function AccountPage(props: PageProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const local: Record<string, string> = {};
    if (next.length < MIN) local.next = `At least ${MIN} characters.`;
    else if (next === current) local.next = 'The new password must differ from the current one.';
    if (again !== next) local.again = 'The two new passwords differ.';
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const r = await api.post<{ ok: boolean; sessionsEnded: number }>('/password', { current, next });
      toast.ok(`Password changed.${r.sessionsEnded > 0 ? ` ${r.sessionsEnded} other session(s) ended.` : ''}`);
      setCurrent('');
      setNext('');
      setAgain('');
    } catch (err) {
      if (err instanceof ApiError && (err.param === 'current' || err.param === 'next')) setErrors({ [err.param]: err.message });
      toast.error(err, 'Password not changed');
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card narrow">
      <p class="muted">
        Signed in as <strong>{props.session.user}</strong>
        {props.session.passwordSource && <> · password from: {props.session.passwordSource}</>} · session expires {new Date(props.session.expiresAt).toLocaleString()}
      </p>
      <form onSubmit={submit} class="form-grid" aria-label="Change password">
        <label>
          Current password
          <input type="password" name="current" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} required />
          {errors.current && <span class="field-error">{errors.current}</span>}
        </label>
        <label>
          New password ({MIN}+ characters)
          <input type="password" name="next" autocomplete="new-password" value={next} onInput={(e) => setNext(e.currentTarget.value)} required />
          {errors.next && <span class="field-error">{errors.next}</span>}
        </label>
        <label>
          New password again
          <input type="password" name="again" autocomplete="new-password" value={again} onInput={(e) => setAgain(e.currentTarget.value)} required />
          {errors.again && <span class="field-error">{errors.again}</span>}
        </label>
        <div>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Change password
          </button>
        </div>
      </form>
      <p class="muted small">
        A password changed here wins over <code>admin.password</code> until that setting itself is changed to another value (that is how a forgotten password is
        reset).
      </p>
    </section>
  );
}
