// Uploads v2 (docs/grok-protocol.md, "Uploads v2"): `POST BASE/http/upload-file-v2/direct`, a
// multipart body with the `file` part (and `file_source` for image-edit inputs), answered by
// `{"uploadId", "fileMetadata": {"fileMetadataId", "fileId"?, "fileUri"}, "terminalError"}`.
// Pure functions: the body builder, the browser-style filename, the answer parser and the id rules.
import { randomBytes } from 'node:crypto';

export const UPLOAD_V2_PATH = '/http/upload-file-v2/direct';
/** `file_source` of image-edit inputs (chat attachments send none). */
export const IMAGINE_FILE_SOURCE = 'IMAGINE_SELF_UPLOAD_FILE_SOURCE';
/** Largest answer read (bigger → error). */
export const UPLOAD_RESPONSE_LIMIT = 2 * 1024 * 1024;
/** Client-side limits (the server's are unknown). */
export const MAX_UPLOAD_FILES = 8;
export const MAX_UPLOAD_FILE_BYTES = 32 * 1024 * 1024;
export const MAX_UPLOAD_TOTAL_BYTES = 64 * 1024 * 1024;

export interface UploadV2Body {
  contentType: string;
  body: Buffer;
}

/**
 * A filename as a browser writes it in Content-Disposition: UTF-8 as is (no `filename*=`), CR/LF
 * removed, other control characters replaced by `_`, `\` and `"` backslash-escaped; empty →
 * `upload.bin`.
 */
export function browserMultipartFilename(name: string): string {
  let out = '';
  for (const ch of name) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '\r' || ch === '\n') continue;
    if (c < 0x20 || c === 0x7f) out += '_';
    else if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else out += ch;
  }
  return out.trim() === '' ? 'upload.bin' : out;
}

/** A MIME type safe for a part header (no CR/LF or quotes); anything odd → application/octet-stream. */
function partType(mime: string): string {
  const m = mime.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(m) ? m : 'application/octet-stream';
}

/** The multipart body: `file`, then `file_source` when given. */
export function buildUploadV2Body(
  file: { fileName: string; mimeType: string; bytes: Buffer },
  fileSource?: string | undefined,
  boundary = `----WebKitFormBoundary${randomBytes(12).toString('base64url')}`,
): UploadV2Body {
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="file"; filename="${browserMultipartFilename(file.fileName)}"\r\n` +
    `Content-Type: ${partType(file.mimeType)}\r\n\r\n`;
  const parts: Buffer[] = [Buffer.from(head, 'utf8'), file.bytes, Buffer.from('\r\n', 'latin1')];
  if (fileSource !== undefined) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file_source"\r\n\r\n${fileSource}\r\n`, 'utf8'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(parts) };
}

export interface UploadV2Result {
  uploadId: string | undefined;
  fileMetadataId: string | undefined;
  fileId: string | undefined;
  /** Relative to the asset host; kept for reference. */
  fileUri: string | undefined;
}

export type UploadV2Parse = { ok: true; result: UploadV2Result } | { ok: false; reason: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmpty(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * True when `terminalError` says the upload failed: a non-empty string/object/array, `true`, or a
 * non-zero number. null, absent, false, 0, "" and {} are "no error".
 */
export function isTerminalError(v: unknown): boolean {
  if (v === undefined || v === null || v === false) return false;
  if (typeof v === 'string') return v.trim() !== '';
  if (typeof v === 'number') return v !== 0;
  if (Array.isArray(v)) return v.length > 0;
  if (isRecord(v)) return Object.keys(v).length > 0;
  return true;
}

function terminalMessage(v: unknown): string {
  if (typeof v === 'string') return v.trim().slice(0, 200);
  if (isRecord(v)) {
    const m = nonEmpty(v.message) ?? nonEmpty(v.error) ?? nonEmpty(v.code);
    if (m !== undefined) return m.slice(0, 200);
  }
  return JSON.stringify(v).slice(0, 200);
}

/** The answer's ids; a `terminalError`, unparseable JSON, or neither an id nor a URI → a reason. */
export function parseUploadV2Response(text: string): UploadV2Parse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the answer is not JSON' };
  }
  if (!isRecord(json)) return { ok: false, reason: 'the answer is not a JSON object' };
  if (isTerminalError(json.terminalError)) return { ok: false, reason: `terminalError: ${terminalMessage(json.terminalError)}` };
  const meta = isRecord(json.fileMetadata) ? json.fileMetadata : {};
  const result: UploadV2Result = {
    uploadId: nonEmpty(json.uploadId),
    fileMetadataId: nonEmpty(meta.fileMetadataId),
    fileId: nonEmpty(meta.fileId),
    fileUri: nonEmpty(meta.fileUri)?.replace(/^\/+/, ''),
  };
  if (result.uploadId === undefined && result.fileMetadataId === undefined && result.fileId === undefined && result.fileUri === undefined) {
    return { ok: false, reason: 'the answer carries neither an id nor a fileUri' };
  }
  return { ok: true, result };
}

/** The id a chat file mention takes: fileMetadataId, else fileId, else uploadId. */
export function chatFileId(r: UploadV2Result): string | undefined {
  return r.fileMetadataId ?? r.fileId ?? r.uploadId;
}

/** The id an image edit's `inputAssets` takes: only fileMetadataId. */
export function editAssetId(r: UploadV2Result): string | undefined {
  return r.fileMetadataId;
}
