// Turns schema issues into one line per problem:
//   server.port: expected an integer between 1 and 65535, got "abc" (from env GROK2API_SERVER_PORT)
// Values of secret keys are masked.
import type { z } from 'zod';
import { isSecretKey } from './config-keys.js';
import { describeValue, type Origin } from './layers.js';
import { maskSecret } from './mask-secret.js';
import { isTable } from './tables.js';

function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = doc;
  for (const seg of path) {
    if (Array.isArray(cur) && typeof seg === 'number') cur = cur[seg];
    else if (isTable(cur) && typeof seg === 'string') cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskSecret(value);
  if (Array.isArray(value)) return value.map((v: unknown) => maskValue(v));
  return value;
}

function pathText(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/** Where to look up the origin and how to name the key of one issue path. */
function locate(doc: unknown, path: readonly PropertyKey[]): { display: string; originKeys: string[]; secret: boolean } {
  if (path[0] === 'models' && typeof path[1] === 'number') {
    const id = valueAt(doc, ['models', path[1], 'id']);
    const head = typeof id === 'string' && id !== '' ? `models.${id}` : `models[${path[1]}]`;
    const rest = path.slice(2);
    const field = typeof rest[0] === 'string' ? rest[0] : undefined;
    return {
      display: rest.length > 0 ? `${head}${typeof rest[0] === 'number' ? '' : '.'}${pathText(rest)}` : head,
      originKeys: field !== undefined ? [`${head}.${field}`, head] : [head],
      secret: false,
    };
  }
  const leafKey = path
    .slice(0, 2)
    .filter((s) => typeof s === 'string')
    .join('.');
  return { display: pathText(path), originKeys: [leafKey], secret: isSecretKey(leafKey) };
}

export function formatIssues(
  issues: readonly z.core.$ZodIssue[],
  doc: unknown,
  origins: ReadonlyMap<string, Origin>,
  fallbackLabel: string,
): string[] {
  return issues.map((issue) => {
    const { display, originKeys, secret } = locate(doc, issue.path);
    let value = valueAt(doc, issue.path);
    if (secret) value = maskValue(value);
    const origin = originKeys.map((k) => origins.get(k)).find((o) => o !== undefined);
    const label = origin?.label ?? fallbackLabel;
    return `${display || '(root)'}: ${issue.message}, got ${describeValue(value)} (from ${label})`;
  });
}
