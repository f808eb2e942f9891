// Reads a multipart/form-data body (OpenAI SDK uploads: images.edit, videos.create) into plain
// fields and files. Repeated fields collect into lists (`image[]`); nested objects arrive as
// `key[sub]` fields (`input_reference[image_url]`). A body the multipart parser cannot read
// (truncated, no boundary, over a limit) is the client's mistake and answers 4xx, never 500.
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { OpenAIHttpError } from './errors.js';
import { multipartFailure } from './multipart-errors.js';

/** Largest form field value (the parser's fieldSize limit). */
export const MAX_FORM_FIELD_BYTES = 1024 * 1024;

export interface FormFile {
  field: string;
  filename: string;
  mimetype: string;
  bytes: Buffer;
}

export interface FormData {
  fields: Map<string, string[]>;
  files: FormFile[];
}

export async function readForm(request: FastifyRequest, limits: { maxFiles: number }): Promise<FormData> {
  try {
    return await collectParts(request, limits);
  } catch (err) {
    throw multipartFailure(err);
  }
}

async function collectParts(request: FastifyRequest, limits: { maxFiles: number }): Promise<FormData> {
  const fields = new Map<string, string[]>();
  const files: FormFile[] = [];
  const parts: AsyncIterable<Multipart> = request.parts();
  for await (const part of parts) {
    if (part.type === 'file') {
      if (files.length >= limits.maxFiles) {
        await part.toBuffer().catch(() => undefined);
        throw new OpenAIHttpError(400, `At most ${limits.maxFiles} files per request`, { code: 'too_many_files', param: part.fieldname });
      }
      files.push({ field: part.fieldname, filename: part.filename, mimetype: part.mimetype, bytes: await part.toBuffer() });
    } else {
      // The parser cuts a value over its fieldSize limit and says so; a cut prompt or URL would be
      // used as if whole.
      if (part.valueTruncated || part.fieldnameTruncated) {
        throw new OpenAIHttpError(400, `The form field '${part.fieldname.slice(0, 100)}' is longer than ${MAX_FORM_FIELD_BYTES / 1024 / 1024} MB, the largest accepted form field`, {
          code: 'field_too_large',
          param: part.fieldname.slice(0, 100),
        });
      }
      const list = fields.get(part.fieldname) ?? [];
      list.push(typeof part.value === 'string' ? part.value : String(part.value));
      fields.set(part.fieldname, list);
    }
  }
  return { fields, files };
}

/** The first value of a field (`name` or `name[]`). */
export function field(form: FormData, name: string): string | undefined {
  return form.fields.get(name)?.[0] ?? form.fields.get(`${name}[]`)?.[0];
}

/** Every value of a list field (`name[]` or repeated `name`). */
export function fieldList(form: FormData, name: string): string[] {
  return [...(form.fields.get(name) ?? []), ...(form.fields.get(`${name}[]`) ?? [])];
}

/** Form values are strings: numbers and booleans as a JSON body would carry them. */
export function coerceFormValue(v: string): string | number | boolean {
  const t = v.trim();
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return Number(t);
  return v;
}
