// The client-side limits of uploads v2 (docs/grok-protocol.md, "Uploads v2": limits; the server's
// own are unknown): at most 8 files per request, each at most 32 MiB, 64 MiB in all. Checked once
// the files are loaded, before any account is leased, so a request over them is a clear 400 and
// never a failed upstream call.
import { MAX_UPLOAD_FILE_BYTES, MAX_UPLOAD_FILES, MAX_UPLOAD_TOTAL_BYTES } from '../grok/index.js';
import { badRequest, CallError } from '../failures/index.js';

const MB = 1024 * 1024;

export function checkUploadLimits(files: ReadonlyArray<{ fileName: string; bytes: Buffer }>, param: string, maxFiles = MAX_UPLOAD_FILES): void {
  if (files.length > maxFiles) {
    throw new CallError(400, `At most ${maxFiles} attachments per request (got ${files.length})`, { code: 'too_many_attachments', param });
  }
  let total = 0;
  for (const f of files) {
    if (f.bytes.length > MAX_UPLOAD_FILE_BYTES) {
      throw badRequest(`The attachment '${f.fileName}' is larger than ${MAX_UPLOAD_FILE_BYTES / MB} MB, the most Grok takes per file`, param, 'file_too_large');
    }
    total += f.bytes.length;
  }
  if (total > MAX_UPLOAD_TOTAL_BYTES) {
    throw badRequest(`The attachments total ${Math.ceil(total / MB)} MB; Grok takes at most ${MAX_UPLOAD_TOTAL_BYTES / MB} MB per request`, param, 'file_too_large');
  }
}
