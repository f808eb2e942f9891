// Client attachments (image_url, file and input_audio parts, reference images) → bytes ready to
// upload to Grok. data: URLs are decoded; our own cached media is read from the cache; other URLs
// are fetched with the SSRF-safe fetcher (public addresses only, size and time capped). Failures
// are a 400 naming the request field. Uploading happens per attempt (an upload belongs to the
// account that made it), with uploads v2, on a fresh connection each (GrokMediaClient.upload).
import { toAbortSignal, type AbortLike, type GrokMediaClient, type GrokRoute, type UploadedFile, type UploadPurpose } from '../grok/index.js';
import { extForMime, FetchFailedError, ownMediaRef, safeFetch, sniffImage, UrlRefusedError, type MediaCache } from '../media/index.js';
import { badRequest, CallError } from '../failures/index.js';
import { attachmentsInOrder } from './messages-to-grok-prompt.js';
import { parseDataUrl } from './data-url.js';
import type { ConversationAttachment, ConversationMessage } from './types.js';
import { checkUploadLimits } from './upload-limits.js';

export interface PreparedFile {
  fileName: string;
  mimeType: string;
  bytes: Buffer;
}

export interface AttachmentSettings {
  maxBytes: number;
  timeoutMs: number;
  allowPrivate: boolean;
}

/** What ChatService needs to send attachments with a chat. */
export interface AttachmentUploader {
  /** Loads every attachment of the conversation (once per request); undefined when there are none. */
  prepare(messages: ConversationMessage[], signal: AbortLike): Promise<PreparedFile[] | undefined>;
  /**
   * Uploads them with one account; returns the ids chat file references take (fileMetadataId, else
   * fileId, else uploadId). `route`: the attempt's egress (absent = the account's own proxy).
   */
  upload(token: string, files: PreparedFile[], signal: AbortLike, route?: GrokRoute): Promise<string[]>;
}

/** Uploads v2 take at most 8 files per chat request (upload-limits.ts). */
const MAX_ATTACHMENTS = 8;

function lastSegment(url: string): string | undefined {
  try {
    const seg = new URL(url).pathname.split('/').filter((s) => s !== '').pop();
    if (!seg) return undefined;
    const clean = decodeURIComponent(seg).replace(/[^A-Za-z0-9._-]+/g, '_').slice(-100);
    return /\.[A-Za-z0-9]{1,5}$/.test(clean) ? clean : undefined;
  } catch {
    return undefined;
  }
}

export class AttachmentLoader {
  constructor(
    private readonly cache: MediaCache,
    private readonly settings: () => AttachmentSettings,
  ) {}

  /**
   * Bytes of one attachment. `param` names the request field in errors
   * (e.g. `messages[1].content[0].image_url`).
   */
  async load(att: ConversationAttachment, param: string, signal?: AbortSignal): Promise<PreparedFile> {
    const s = this.settings();
    const url = att.url.trim();
    let mimeType: string | undefined = att.mimeType;
    let bytes: Buffer;
    let nameFromUrl: string | undefined;
    const fromDataUrl = url.startsWith('data:');
    if (fromDataUrl) {
      const d = parseDataUrl(url);
      if (!d.ok) {
        const code = d.problem === 'syntax' ? 'invalid_image_url' : att.kind === 'image' ? 'invalid_image' : 'invalid_file';
        throw badRequest(`Invalid data URL in '${param}': ${d.message}`, param, code);
      }
      bytes = d.value.bytes;
      mimeType ??= d.value.mimeType;
      if (bytes.length > s.maxBytes) {
        throw badRequest(`The data URL in '${param}' is larger than ${Math.round(s.maxBytes / 1024 / 1024)} MB (media.max_download_mb)`, param, 'invalid_image_url');
      }
    } else {
      const own = ownMediaRef(url);
      const cached = own ? await this.cache.read(own.kind, own.name) : undefined;
      if (cached) {
        bytes = cached.bytes;
        mimeType = cached.mimeType;
        nameFromUrl = own?.name;
      } else {
        try {
          const got = await safeFetch(url, { maxBytes: s.maxBytes, timeoutMs: s.timeoutMs, allowPrivate: s.allowPrivate, signal });
          bytes = got.bytes;
          mimeType ??= got.contentType?.split(';')[0]?.trim().toLowerCase();
          nameFromUrl = lastSegment(got.url);
        } catch (err) {
          if (err instanceof UrlRefusedError) {
            throw badRequest(`Refusing to fetch the URL in '${param}': ${err.message}`, param, 'invalid_image_url');
          }
          if (err instanceof FetchFailedError) {
            throw badRequest(`Could not download the URL in '${param}': ${err.message}`, param, 'invalid_image_url');
          }
          throw err;
        }
      }
    }
    if (bytes.length === 0) throw badRequest(`The attachment in '${param}' is empty`, param, 'invalid_image_url');
    if (att.kind === 'image') {
      // The bytes decide the type, not the label: clients often write image/png on every data URL
      // whatever it holds, and Grok reads an upload by its declared type. A data URL's bytes must
      // be an image we recognise (they are the client's own, nothing to be lenient about); a
      // fetched URL may still be another image/* type its server declares.
      const sniffed = sniffImage(bytes);
      if (sniffed) mimeType = sniffed.mimeType;
      else if (fromDataUrl) {
        throw badRequest(`The data URL in '${param}' is not a JPEG, PNG, WebP or GIF image`, param, 'invalid_image');
      } else if (!mimeType?.startsWith('image/')) {
        throw badRequest(`The content of '${param}' is not an image (JPEG, PNG, WebP or GIF expected)`, param, 'invalid_image_url');
      }
    }
    const type = mimeType && mimeType !== '' ? mimeType : 'application/octet-stream';
    const ext = extForMime(type) ?? (type.split('/')[1]?.replace(/[^a-z0-9]/g, '').slice(0, 5) || 'bin');
    const fileName = att.filename ?? nameFromUrl ?? `${att.kind === 'image' ? 'image' : 'file'}.${ext}`;
    return { fileName, mimeType: type, bytes };
  }
}

/** Field name of an attachment for error messages. */
export function attachmentParam(att: ConversationAttachment): string {
  return att.param ?? 'messages';
}

/**
 * Uploads files with one account (through `route`, the attempt's egress, when given), one after
 * the other as the web app does, in order. `purpose` "imagine" marks image-edit inputs.
 */
export async function uploadAll(
  media: GrokMediaClient,
  token: string,
  files: PreparedFile[],
  signal: AbortSignal,
  route?: GrokRoute,
  purpose: UploadPurpose = 'chat',
): Promise<UploadedFile[]> {
  const out: UploadedFile[] = [];
  for (const f of files) {
    out.push(await media.upload(token, { fileName: f.fileName, mimeType: f.mimeType, bytes: f.bytes }, { signal, route, purpose }));
  }
  return out;
}

/** The chat path's uploader: every attachment of the conversation, in message order. */
export class ChatAttachments implements AttachmentUploader {
  constructor(
    private readonly loader: AttachmentLoader,
    private readonly media: GrokMediaClient,
  ) {}

  async prepare(messages: ConversationMessage[], signal: AbortLike): Promise<PreparedFile[] | undefined> {
    const list = attachmentsInOrder(messages);
    if (list.length === 0) return undefined;
    if (list.length > MAX_ATTACHMENTS) {
      throw new CallError(400, `At most ${MAX_ATTACHMENTS} attachments per request (got ${list.length})`, { code: 'too_many_attachments', param: 'messages' });
    }
    // A real AbortSignal only now: most requests carry no attachment and never pay for one.
    const real = toAbortSignal(signal);
    const files = await Promise.all(list.map((a) => this.loader.load(a, attachmentParam(a), real)));
    checkUploadLimits(files, 'messages');
    return files;
  }

  async upload(token: string, files: PreparedFile[], signal: AbortLike, route?: GrokRoute): Promise<string[]> {
    return (await uploadAll(this.media, token, files, toAbortSignal(signal), route)).map((u) => u.chatId);
  }
}
