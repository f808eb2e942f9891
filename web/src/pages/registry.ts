// The console's pages, in navigation order. Each is a component taking the route (its hash
// query holds the page's filters) and the session.
import type { FunctionComponent } from 'preact';
import { AccountPage } from './account';
import { CachePage } from './cache';
import { DashboardPage } from './dashboard';
import { ImageStudioPage } from './images';
import { KeysPage } from './keys';
import { ProtocolPage } from './protocol';
import { LogsPage } from './logs/logs-page';
import { ProxiesPage } from './proxies/proxies-page';
import { SettingsPage } from './settings/settings-page';
import { TokensPage } from './tokens/tokens-page';
import type { PageProps } from './page-props';

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
  { path: '/protocol', title: 'Protocol', component: ProtocolPage },
  { path: '/images', title: 'Image studio', component: ImageStudioPage },
  { path: '/account', title: 'Password', component: AccountPage },
];
