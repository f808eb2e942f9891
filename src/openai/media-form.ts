// Reads a multipart/form-data body (OpenAI SDK uploads: images.edit, videos.create) into plain
// fields and files. Repeated fields collect into lists (`image[]`); nested objects arrive as
// `key[sub]` fields (`input_reference[image_url]`).
import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { OpenAIHttpError } from './errors.js';

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
