// Login form (POST /api/login). The session is an HttpOnly cookie the browser keeps; this page
// never sees it. A lockout (429) is shown in words, with the time left counting down.
import { useState } from 'preact/hooks';
import { ApiError, api, messageOf } from '../api/client';
import type { Session } from '../api/types';
import { fmtDuration } from '../ui/format';
import { useNow } from '../ui/ticker';

export function LoginPage(props: { onLogin: (s: Session) => void }) {
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [lockedUntil, setLockedUntil] = useState(0);
  // The shared clock can be up to a second old; the lock is judged on the real time.
  const now = Math.max(useNow(), Date.now());
  const locked = lockedUntil > now;

  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setLockedUntil(0);
    try {
      const s = await api.post<Session & { ok: boolean }>('/login', { username, password });
      setPassword('');
      props.onLogin({ user: s.user, createdAt: s.createdAt, expiresAt: s.expiresAt, ...(s.passwordSource ? { passwordSource: s.passwordSource } : {}) });
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) {
        const seconds = err.retryAfter ?? 30;
        setLockedUntil(Date.now() + seconds * 1000);
        setError(`Too many failed logins from this address: login is locked for ${fmtDuration(seconds * 1000)}. Wait, then try again.`);
      } else if (err instanceof ApiError && err.status === 401) {
        setError('Wrong user name or password. After 5 failed attempts in a row, login is locked for a while.');
      } else {
        setError(messageOf(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="login-wrap">
      <form class="card login-card" onSubmit={submit} aria-label="Log in">
        <h1>grok2api console</h1>
        <label>
          User name
          <input name="username" autocomplete="username" value={username} onInput={(e) => setUsername(e.currentTarget.value)} required />
        </label>
        <label>
          Password
          <input name="password" type="password" autocomplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required />
        </label>
        {error && (
          <p class="form-error" role="alert">
            {error}
            {lockedUntil > 0 && <span class="lock-left">{locked ? ` (${fmtDuration(lockedUntil - now)} left)` : ' You can try again now.'}</span>}
          </p>
        )}
        <button type="submit" class="btn btn-primary btn-block" disabled={busy || locked}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
        <p class="muted small">
          No password configured? The gateway generated one at its first start and printed it once in its log (a line starting
          “admin console: no admin.password is configured”). Setting <code>admin.password</code> (or <code>GROK2API_ADMIN_PASSWORD</code>) and
          restarting resets it.
        </p>
      </form>
    </div>
  );
}
