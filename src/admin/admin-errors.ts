// Errors of the admin API: the same envelope as /v1 (`{"error":{"message","type","param","code"}}`),
// rendered by the app's error handler; and zod parsing that names the offending field.
import type { z } from 'zod';
import { OpenAIHttpError, zodToOpenAIError } from '../openai/index.js';

export function adminError(status: number, message: string, code: string, opts: { param?: string | null; headers?: Record<string, string> } = {}): OpenAIHttpError {
  return new OpenAIHttpError(status, message, { code, param: opts.param ?? null, ...(opts.headers ? { headers: opts.headers } : {}) });
}

export const badRequest = (message: string, param: string | null = null, code = 'invalid_value'): OpenAIHttpError => adminError(400, message, code, { param });
export const notFound = (message: string, param: string | null = null): OpenAIHttpError => adminError(404, message, 'not_found', { param });

/** Parses `value` with `schema` or throws a 400 naming the field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw zodToOpenAIError(parsed.error, what);
  return parsed.data;
}
