// GET/HEAD /images/{name} and /videos/{name}: the cached media, with Content-Type, ETag,
// Last-Modified, conditional requests and single HTTP ranges (video players seek with them).
// A name that does not match the cache's strict pattern is a 404 before any file-system call.
import { open, type FileHandle } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CachedFile, MediaCache } from './media-cache.js';
import type { RemoteMedia } from './remote-media.js';
import type { MediaKind } from './sniff.js';

export type ByteRange = { start: number; end: number };

/** One `bytes=` range against `size`: 'invalid' → 416; undefined → the whole file (also for multi-range). */
export function parseByteRange(header: string | undefined, size: number): ByteRange | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return undefined;
  const a = m[1] ?? '';
  const b = m[2] ?? '';
  if (a === '' && b === '') return 'invalid';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start >= size || start > end) return 'invalid';
  return { start, end };
}

function notFound(reply: FastifyReply, kind: MediaKind): FastifyReply {
  return reply.code(404).send({
    error: { message: `No such cached ${kind}`, type: 'not_found_error', param: null, code: 'not_found' },
  });
}

/** HEAD: the headers as a GET would send them, Content-Length included, and no body. */
function headOnly(reply: FastifyReply, status: number): FastifyReply {
  reply.hijack();
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(reply.getHeaders())) if (v !== undefined) headers[k] = typeof v === 'number' ? String(v) : v;
  reply.raw.writeHead(status, headers);
  reply.raw.end();
  return reply;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

/** The file and an open handle on it; a file another instance deleted (shared volume) is fetched again once. */
async function openFile(cache: MediaCache, remote: RemoteMedia | undefined, kind: MediaKind, name: string): Promise<{ file: CachedFile; fh: FileHandle } | undefined> {
  for (let round = 0; round < 2; round++) {
    const file = remote ? await remote.find(kind, name) : cache.lookup(kind, name);
    if (!file) return undefined;
    try {
      return { file, fh: await open(file.path, 'r') };
    } catch {
      cache.forget(file);
      if (!remote) return undefined;
    }
  }
  return undefined;
}

async function serve(
  cache: MediaCache,
  remote: RemoteMedia | undefined,
  kind: MediaKind,
  request: FastifyRequest<{ Params: { name: string } }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const opened = await openFile(cache, remote, kind, request.params.name);
  if (!opened) return notFound(reply, kind);
  const { file, fh } = opened;
  let handedOver = false;
  try {
    const st = await fh.stat();
    const size = st.size;
    // Content behind a name never changes: the name is the validator.
    const etag = `"${file.name.slice(0, file.name.indexOf('.'))}-${size.toString(16)}"`;
    const lastModified = new Date(Math.floor(st.mtimeMs / 1000) * 1000);
    void reply
      .header('content-type', file.mimeType)
      .header('accept-ranges', 'bytes')
      .header('etag', etag)
      .header('last-modified', lastModified.toUTCString())
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff');

    const inm = request.headers['if-none-match'];
    const ims = request.headers['if-modified-since'];
    if (inm !== undefined ? etagMatches(inm, etag) : ims !== undefined && Date.parse(ims) >= lastModified.getTime()) {
      return reply.code(304).send();
    }

    let range = parseByteRange(request.headers.range, size);
    const ifRangeRaw = request.headers['if-range'];
    const ifRange = Array.isArray(ifRangeRaw) ? ifRangeRaw[0] : ifRangeRaw;
    if (range !== undefined && ifRange !== undefined && ifRange.trim() !== etag && Date.parse(ifRange) !== lastModified.getTime()) {
      range = undefined; // the client's copy is stale: send everything
    }
    if (range === 'invalid') {
      return reply.code(416).header('content-range', `bytes */${size}`).send();
    }
    const head = request.method === 'HEAD';
    if (range === undefined) {
      void reply.code(200).header('content-length', String(size));
      if (head) return headOnly(reply, 200);
      if (size === 0) return reply.send();
      handedOver = true;
      return reply.send(fh.createReadStream({ autoClose: true }));
    }
    void reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
      .header('content-length', String(range.end - range.start + 1));
    if (head) return headOnly(reply, 206);
    handedOver = true;
    return reply.send(fh.createReadStream({ start: range.start, end: range.end, autoClose: true }));
  } finally {
    if (!handedOver) await fh.close().catch(() => undefined);
  }
}

/** `remote`: serve names this instance has no file for from the shared media index (several instances). */
export function registerMediaRoutes(app: FastifyInstance, cache: MediaCache, remote?: RemoteMedia): void {
  const routes: Array<[string, MediaKind]> = [
    ['/images/:name', 'image'],
    ['/videos/:name', 'video'],
  ];
  for (const [url, kind] of routes) {
    // GET also answers HEAD (Fastify exposes head routes); the handler sends no body for HEAD.
    app.get<{ Params: { name: string } }>(url, (request, reply) => serve(cache, remote, kind, request, reply));
  }
}
