// What every console page receives. Its own module (not registry.ts, which imports every page) so
// a page importing this type does not import the registry back: no import cycle.
import type { Session } from '../api/types';
import type { Route } from '../ui/router';

export interface PageProps {
  /** The current route: its hash query holds the page's filters. */
  route: Route;
  session: Session;
}
