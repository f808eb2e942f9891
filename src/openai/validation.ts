// Turns zod failures into one OpenAI 400 that names the offending field in `param`.
import type { z } from 'zod';
import { invalidRequest, type OpenAIHttpError } from './errors.js';
import { issuePathToParam } from './chat-request-schema.js';

interface FlatIssue {
  path: PropertyKey[];
  message: string;
}

/** For unions, zod reports every branch; the most specific branch (deepest path) explains best. */
function mostSpecific(issue: z.core.$ZodIssue, base: PropertyKey[]): FlatIssue {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    let best: FlatIssue | undefined;
    for (const branch of issue.errors) {
      for (const sub of branch) {
        const cand = mostSpecific(sub, path);
        if (!best || cand.path.length > best.path.length) best = cand;
      }
    }
    if (best && best.path.length > path.length) return best;
  }
  return { path, message: issue.message };
}

export function zodToOpenAIError(error: z.ZodError, what = 'request body'): OpenAIHttpError {
  const first = error.issues[0];
  if (!first) return invalidRequest(`Invalid ${what}`);
  const flat = mostSpecific(first, []);
  const param = issuePathToParam(flat.path);
  const message = param ? `Invalid value for '${param}': ${flat.message}` : `Invalid ${what}: ${flat.message}`;
  return invalidRequest(message, param, 'invalid_value');
}
