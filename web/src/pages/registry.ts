// The console's pages, in navigation order. Each is a component taking the route (its hash
// query holds the page's filters) and the session.
import type { FunctionComponent } from 'preact';
import type { Session } from '../api/types';
import type { Route } from '../ui/router';
import { AccountPage } from './account';
import { CachePage } from './cache';
import { DashboardPage } from './dashboard';
import { ImageStudioPage } from './images';
import { KeysPage } from './keys';
import { LogsPage } from './logs/logs-page';
import { ProxiesPage } from './proxies';
import { SettingsPage } from './settings/settings-page';
import { TokensPage } from './tokens/tokens-page';

export interface PageProps {
  route: Route;
  session: Session;
}

export interface PageEntry {
  path: string;
  title: string;
  component: FunctionComponent<PageProps>;
}

export const PAGES: PageEntry[] = [
  { path: '/dashboard', title: 'Dashboard', component: DashboardPage },
  { path: '/tokens', title: 'Tokens', component: TokensPage },
  { path: '/proxies', title: 'Proxies', component: ProxiesPage },
  { path: '/keys', title: 'Keys', component: KeysPage },
  { path: '/logs', title: 'Call log', component: LogsPage },
  { path: '/settings', title: 'Settings', component: SettingsPage },
  { path: '/cache', title: 'Cache', component: CachePage },
  { path: '/images', title: 'Image studio', component: ImageStudioPage },
  { path: '/account', title: 'Password', component: AccountPage },
];
