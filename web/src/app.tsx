// The console: asks GET /api/session once; without a session it shows the login form, with one
// the shell (navigation) and the page named by the URL hash. Any 401 later (session expired or
// ended elsewhere) brings the login form back.
import { useEffect, useState } from 'preact/hooks';
import { api, setUnauthorizedHandler } from './api/client';
import type { Session } from './api/types';
import { Shell } from './ui/shell';
import { toast, Toasts } from './ui/toast';
import { navigate, useRoute } from './ui/router';
import { LoginPage } from './pages/login';
import { PAGES } from './pages/registry';

type AuthState = { kind: 'checking' } | { kind: 'out' } | { kind: 'in'; session: Session };

export function App() {
  const [auth, setAuth] = useState<AuthState>({ kind: 'checking' });
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setAuth((prev) => {
        if (prev.kind === 'in') toast.info('Your session has ended: log in again.');
        return { kind: 'out' };
      });
    });
    api.get<Session>('/session').then(
      (session) => setAuth({ kind: 'in', session }),
      () => setAuth({ kind: 'out' }),
    );
  }, []);

  const logout = async (): Promise<void> => {
    try {
      await api.post('/logout');
      toast.ok('Logged out.');
    } catch (err) {
      toast.error(err, 'Logout failed');
    }
    setAuth({ kind: 'out' });
  };

  let body;
  if (auth.kind === 'checking') body = <div class="splash">Loading…</div>;
  else if (auth.kind === 'out') body = <LoginPage onLogin={(session) => setAuth({ kind: 'in', session })} />;
  else {
    const page = PAGES.find((p) => p.path === route.path);
    if (!page) {
      // Unknown or empty hash: the dashboard.
      queueMicrotask(() => navigate('/dashboard'));
      body = <div class="splash">Loading…</div>;
    } else {
      const Page = page.component;
      body = (
        <Shell current={page.path} session={auth.session} onLogout={logout}>
          <Page route={route} session={auth.session} />
        </Shell>
      );
    }
  }
  return (
    <>
      {body}
      <Toasts />
    </>
  );
}
