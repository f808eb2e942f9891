// HTTP response decompression. undici's `request()` hands back the raw bytes, so the codings we
// advertise in Accept-Encoding are decoded here, streaming (each flushed frame comes out at once).
import { pipeline, type Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';

type DecoderFactory = () => Transform;

const zstdFactory = (zlib as unknown as { createZstdDecompress?: (opts?: object) => Transform }).createZstdDecompress;

// Sync-flush on finish, like undici's fetch: a body cut right after a complete frame still yields it.
const DECODERS = new Map<string, DecoderFactory>([
  ['gzip', () => zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })],
  ['x-gzip', () => zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })],
  // createUnzip accepts zlib-wrapped deflate (what servers send for "deflate") and gzip.
  ['deflate', () => zlib.createUnzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH })],
  [
    'br',
    () =>
      zlib.createBrotliDecompress({
        flush: zlib.constants.BROTLI_OPERATION_FLUSH,
        finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
      }),
  ],
]);
if (typeof zstdFactory === 'function') DECODERS.set('zstd', () => zstdFactory.call(zlib));

/** The content codings this process can decode, in the order a browser lists them. */
export const SUPPORTED_CONTENT_CODINGS: readonly string[] = ['gzip', 'deflate', 'br', 'zstd'].filter((c) =>
  DECODERS.has(c),
);

/** `Accept-Encoding` value: `gzip, deflate, br` plus `zstd` when this Node can decode it. */
export const ACCEPT_ENCODING = SUPPORTED_CONTENT_CODINGS.join(', ');

export class UnsupportedContentEncodingError extends Error {
  readonly code = 'ERR_UNSUPPORTED_CONTENT_ENCODING';
  constructor(coding: string) {
    super(`unsupported Content-Encoding: ${coding}`);
    this.name = 'UnsupportedContentEncodingError';
  }
}

/**
 * The decoded view of `body` for the given Content-Encoding header. Returns `body` itself for
 * identity. Otherwise a pipeline whose last stream is returned: destroying it (or an error
 * anywhere) destroys `body` too. Throws UnsupportedContentEncodingError (body untouched) for an
 * unknown coding.
 */
export function decodeContent(body: Readable, contentEncoding: string | undefined): Readable {
  if (contentEncoding === undefined || contentEncoding.length === 0) return body;
  const codings = contentEncoding
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c.length > 0 && c !== 'identity');
  if (codings.length === 0) return body;
  const decoders: Transform[] = [];
  // Codings are listed in the order they were applied; undo them last-first.
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i] as string;
    const factory = DECODERS.get(coding);
    if (factory === undefined) {
      for (const d of decoders) d.destroy();
      throw new UnsupportedContentEncodingError(coding);
    }
    decoders.push(factory());
  }
  pipeline([body, ...decoders], () => {
    // Errors reach the reader through the last stream; nothing to do here.
  });
  return decoders[decoders.length - 1] as Transform;
}
