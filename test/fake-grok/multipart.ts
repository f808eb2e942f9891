// A strict multipart/form-data reader for the upload v2 route: parts in order, each with its
// name, filename (browser escaping undone: `\"` and `\\`) and Content-Type. Anything malformed is
// a reason string, so the route can answer 400 with it and a test sees exactly what drifted.

export interface FormPart {
  name: string;
  /** As written in Content-Disposition, unescaped; undefined for a plain field. */
  filename: string | undefined;
  /** The raw `filename="..."` text (escapes kept), to check the client's escaping. */
  rawFilename: string | undefined;
  contentType: string | undefined;
  body: Buffer;
}

export type FormParse = { ok: true; parts: FormPart[] } | { ok: false; reason: string };

function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /^multipart\/form-data\s*;\s*boundary=("?)([^";]+)\1\s*$/i.exec(contentType ?? '');
  return m?.[2];
}

function unescapeFilename(raw: string): string {
  return raw.replace(/\\(["\\])/g, '$1');
}

export function parseMultipart(contentType: string | undefined, body: Buffer): FormParse {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) return { ok: false, reason: `content-type: expected multipart/form-data with a boundary, got ${JSON.stringify(contentType ?? '')}` };
  const delim = Buffer.from(`--${boundary}`, 'latin1');
  const parts: FormPart[] = [];
  let at = body.indexOf(delim);
  if (at !== 0) return { ok: false, reason: 'body: expected to start with the boundary' };
  for (;;) {
    at += delim.length;
    if (body.subarray(at, at + 2).toString('latin1') === '--') break; // closing delimiter
    if (body.subarray(at, at + 2).toString('latin1') !== '\r\n') return { ok: false, reason: 'body: expected CRLF after a boundary' };
    at += 2;
    const headEnd = body.indexOf('\r\n\r\n', at, 'latin1');
    if (headEnd === -1) return { ok: false, reason: 'body: part headers never end' };
    const head = body.subarray(at, headEnd).toString('utf8');
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n', 'latin1'), delim]), headEnd + 4);
    if (next === -1) return { ok: false, reason: 'body: missing closing boundary' };
    const content = body.subarray(headEnd + 4, next);
    let name: string | undefined;
    let rawFilename: string | undefined;
    let partType: string | undefined;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon === -1) return { ok: false, reason: `part header without a colon: ${JSON.stringify(line)}` };
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        if (!value.startsWith('form-data')) return { ok: false, reason: 'content-disposition: expected form-data' };
        if (/filename\*=/i.test(value)) return { ok: false, reason: 'content-disposition: filename*= is not what a browser sends' };
        name = /;\s*name="([^"]*)"/.exec(value)?.[1];
        rawFilename = /;\s*filename="((?:[^"\\]|\\.)*)"/.exec(value)?.[1];
      } else if (key === 'content-type') partType = value;
    }
    if (name === undefined) return { ok: false, reason: 'content-disposition: part without a name' };
    parts.push({ name, filename: rawFilename === undefined ? undefined : unescapeFilename(rawFilename), rawFilename, contentType: partType, body: content });
    at = next + 2;
  }
  return { ok: true, parts };
}
