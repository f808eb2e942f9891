// Finds config.defaults.toml at the package root, from the source tree (src/config/) or the build
// output (dist/src/config/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './config-error.js';

export const DEFAULTS_FILE_NAME = 'config.defaults.toml';

export function findDefaultsPath(): string {
  const candidates = [
    new URL(`../../${DEFAULTS_FILE_NAME}`, import.meta.url),
    new URL(`../../../${DEFAULTS_FILE_NAME}`, import.meta.url),
  ].map((u) => fileURLToPath(u));
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) {
    throw new ConfigError([`${DEFAULTS_FILE_NAME}: not found (looked at ${candidates.join(', ')})`]);
  }
  return found;
}
