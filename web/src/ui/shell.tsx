// The frame around every page: a side navigation on wide screens that collapses into a menu
// button on a phone, the signed-in user and the logout button.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { Session } from '../api/types';
import { PAGES } from '../pages/registry';

export function Shell(props: { current: string; session: Session; onLogout: () => void; children: ComponentChildren }) {
  const [open, setOpen] = useState(false);
  const title = PAGES.find((p) => p.path === props.current)?.title ?? '';
  return (
    <div class={`shell${open ? ' nav-open' : ''}`}>
      <header class="topbar">
        <button type="button" class="nav-toggle" aria-label="Menu" aria-expanded={open} onClick={() => setOpen(!open)}>
          ☰
        </button>
        <span class="brand">grok2api</span>
        <span class="topbar-title">{title}</span>
      </header>
      <nav class="sidenav" aria-label="Console">
        <div class="brand brand-side">grok2api</div>
        <ul>
          {PAGES.map((p) => (
            <li key={p.path}>
              <a href={`#${p.path}`} class={p.path === props.current ? 'active' : ''} aria-current={p.path === props.current ? 'page' : undefined} onClick={() => setOpen(false)}>
                {p.title}
              </a>
            </li>
          ))}
        </ul>
        <div class="nav-foot">
          <div class="muted small">
            Signed in as <strong>{props.session.user}</strong>
          </div>
          <button type="button" class="btn btn-block" data-action="logout" onClick={props.onLogout}>
            Log out
          </button>
        </div>
      </nav>
      <main class="content">
        <h1 class="page-title">{title}</h1>
        {props.children}
      </main>
    </div>
  );
}
