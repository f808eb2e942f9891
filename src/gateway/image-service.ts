// Image generation and editing use cases. Three upstream paths:
//   imagine-ws  the imagine WebSocket (grok-imagine-image / -pro with image.use_ws = true)
//   chat-image  a "Drawing: <prompt>" chat call collecting the image frames (lite always; others
//               when image.use_ws = false; reference images attached as fileAttachments)
//   image-edit  upload the inputs (uploads v2, imagine file source), then one
//               `mediaGenInput.imageToImage` call per image (docs/grok-protocol.md, "Image edit");
//               no media post
// Every path runs inside the retry layer (another account per attempt, and that attempt's egress
// route for every call it makes) and publishes the images (cache link, base64 or upstream URL)
// inside the attempt, with the account that drew them.
import type { AccountSource } from '../accounts/index.js';
import type { ModelSpec } from '../config/index.js';
import type { EgressRoute, EgressSelector } from '../egress/index.js';
import {
  buildChatBody,
  buildImageEditBody,
  classifyInBandError,
  GrokUpstreamError,
  type ChatTransport,
  type ChatTurnInput,
  type ChatTurnOpener,
  MAX_EDIT_INPUTS,
  type GrokMediaClient,
  type ImagineClient,
} from '../grok/index.js';
import type { MediaPublisher, PublishedMedia, PublishTarget } from '../media/index.js';
import { uploadAll, type PreparedFile } from './attachments.js';
import { runMediaAttempts } from './media-attempts.js';
import type { AttemptRecord, RetryPolicy } from './retry.js';
import { UpstreamChat, type UpstreamChatOpener } from './upstream-chat.js';
import type { AccountUserIds } from './chat-service.js';

export type ImagePath = 'imagine-ws' | 'chat-image' | 'image-edit';

export interface ImageSettings {
  useWs: boolean;
  roundTimeoutMs: number;
  wsIdleTimeoutMs: number;
  chatIdleTimeoutMs: number;
  chatRequestTimeoutMs: number;
  temporary: boolean;
  disableMemory: boolean;
  retry: RetryPolicy;
  /** Upstream modelName of the edit flow (from the image-edit model, else imagine-image-edit). */
  editUpstreamModel: string;
  /** grok.chat_transport: drawing chats go over mgw (with `turns`) or the legacy REST chat. */
  chatTransport?: ChatTransport | undefined;
  /** `enable_nsfw` of imagine WebSocket requests (image.nsfw). */
  nsfw: boolean;
}

export interface ImageServiceDeps {
  client: UpstreamChatOpener;
  /** Chat turns over the configured transport (drawing chats on mgw); absent = REST bodies only. */
  turns?: ChatTurnOpener | undefined;
  /** The accounts' cached user ids (mgw socket address). */
  userIds?: AccountUserIds | undefined;
  media: GrokMediaClient;
  imagine: ImagineClient;
  publisher: MediaPublisher;
  accounts: AccountSource;
  settings: () => ImageSettings;
  /** Outbound proxies: each attempt's calls (chat, uploads, posts, WebSocket, downloads) leave through the account's proxy. */
  egress?: EgressSelector | undefined;
  onRetry?: (info: { requestId: string; attempt: number; account: string; kind: string; delayMs: number }) => void;
}

export type ImageProgress =
  | { type: 'progress'; index: number; percent: number }
  | { type: 'partial'; index: number; bytes: Buffer; mimeType: string };

export interface ImageJob {
  requestId: string;
  prompt: string;
  n: number;
  /** 1:1, 2:3, 3:2, 9:16 or 16:9 (imagine only). */
  aspectRatio: string;
  /** The caller named a size or aspect ratio (an edit sends `aspectRatio` only then). */
  aspectRatioGiven?: boolean | undefined;
  /** Input images: edit references (image-edit), attachments (chat-image). */
  references: PreparedFile[];
  target: PublishTarget;
  signal: AbortSignal;
  onProgress?: ((p: ImageProgress) => void) | undefined;
}

export interface ImageResult {
  images: PublishedMedia[];
  path: ImagePath;
  account: string;
  attempts: AttemptRecord[];
  /** Grok's rewritten prompt, when it returned one (no current path does). */
  revisedPrompt: string | undefined;
}

interface Drawn {
  images: PublishedMedia[];
}

/** Which path a request takes, and why (logged with every image request). */
export function chooseImagePath(spec: ModelSpec, useWs: boolean, hasReferences: boolean): { path: ImagePath; reason: string } {
  if (spec.kind === 'image-edit') return { path: 'image-edit', reason: 'image-edit model' };
  if (spec.mode === 'fast') {
    return { path: 'chat-image', reason: hasReferences ? 'mode "fast" (lite) draws through chat; input images attached' : 'mode "fast" (lite) always draws through chat' };
  }
  if (hasReferences) return { path: 'image-edit', reason: 'input images given: the imagine WebSocket takes none, the edit flow does' };
  return useWs ? { path: 'imagine-ws', reason: 'image.use_ws = true' } : { path: 'chat-image', reason: 'image.use_ws = false' };
}

interface ChatFinals {
  urls: string[];
  moderated: number;
  modelError: string | undefined;
}

/**
 * Asks Grok for images until `n` distinct ones came: each round (a drawing chat or an edit call)
 * is asked for up to two, `have` of them already in hand; stops early when a round brings nothing
 * new, and after a few rounds more than n/2 at most.
 */
async function gatherImageUrls(n: number, round: (want: number, have: number) => Promise<ChatFinals>): Promise<ChatFinals> {
  const out: ChatFinals = { urls: [], moderated: 0, modelError: undefined };
  const maxCalls = Math.ceil(n / 2) + 2;
  for (let call = 0; out.urls.length < n && call < maxCalls; call++) {
    const want = Math.min(2, n - out.urls.length);
    const r = await round(want, out.urls.length);
    out.moderated += r.moderated;
    out.modelError ??= r.modelError;
    const fresh = r.urls.filter((u) => !out.urls.includes(u)).slice(0, want);
    if (fresh.length === 0) break;
    out.urls.push(...fresh);
  }
  return out;
}

export class ImageService {
  constructor(private readonly deps: ImageServiceDeps) {}

  async run(spec: ModelSpec, path: ImagePath, job: ImageJob): Promise<ImageResult> {
    const s = this.deps.settings();
    const r = await runMediaAttempts(this.deps, spec, job, s.retry, (token, route, accountId): Promise<Drawn> => {
      if (path === 'imagine-ws') return this.viaImagine(token, spec, job, s, route);
      return path === 'chat-image' ? this.viaChat(token, job, s, route, accountId) : this.viaEdit(token, spec, job, s, route);
    });
    return { images: r.value.images, path, account: r.account, attempts: r.attempts, revisedPrompt: undefined };
  }

  private publishAll(token: string, sources: Array<{ bytes?: Buffer; upstream?: string }>, job: ImageJob, route: EgressRoute | undefined): Promise<PublishedMedia[]> {
    return Promise.all(sources.map((src) => this.deps.publisher.publish('image', token, src, job.target, { signal: job.signal, route })));
  }

  private async viaImagine(token: string, spec: ModelSpec, job: ImageJob, s: ImageSettings, route: EgressRoute | undefined): Promise<Drawn> {
    const ordinal = new Map<number, number>();
    const indexOf = (slot: number): number => {
      let i = ordinal.get(slot);
      if (i === undefined) {
        i = ordinal.size;
        ordinal.set(slot, i);
      }
      return i;
    };
    const r = await this.deps.imagine.generate(token, {
      prompt: job.prompt,
      aspectRatio: job.aspectRatio,
      enablePro: spec.mode === 'quality',
      n: job.n,
      nsfw: s.nsfw,
      roundTimeoutMs: s.roundTimeoutMs,
      idleTimeoutMs: s.wsIdleTimeoutMs,
      signal: job.signal,
      route,
      onPartial: (p) => job.onProgress?.({ type: 'partial', index: indexOf(p.slot), bytes: p.bytes, mimeType: p.mimeType }),
      onProgress: (p) => job.onProgress?.({ type: 'progress', index: indexOf(p.slot), percent: p.percent }),
    });
    return { images: await this.publishAll(token, r.images.map((img) => ({ bytes: img.bytes, upstream: img.url })), job, route) };
  }

  /** Reads one image-drawing chat stream; final image URLs in order, deduplicated. */
  private async readImageStream(
    token: string,
    body: Record<string, unknown>,
    referer: string | undefined,
    job: ImageJob,
    s: ImageSettings,
    indexBase: number,
    route: EgressRoute | undefined,
    media = false,
    /** Open this neutral turn (mgw drawing chat) instead of posting `body`. */
    turn?: { input: ChatTurnInput; accountId: string },
  ): Promise<ChatFinals> {
    const up = new UpstreamChat({ idleTimeoutMs: s.chatIdleTimeoutMs, requestTimeoutMs: s.chatRequestTimeoutMs }, job.signal);
    const urls: string[] = [];
    const seen = new Set<string>();
    const moderatedSlots = new Set<number>();
    const shown = new Map<number, number>();
    let modelError: string | undefined;
    const add = (u: string | undefined): void => {
      if (u === undefined || seen.has(u)) return;
      seen.add(u);
      urls.push(u);
    };
    try {
      const turns = this.deps.turns;
      if (turn && turns) {
        const ids = this.deps.userIds;
        await up.openTurn(turns, token, { ...turn.input, userId: ids?.userIdOf(turn.accountId) }, {
          route,
          onUserId: ids ? (uid) => ids.setUserId(turn.accountId, uid) : undefined,
        });
      } else await up.open(this.deps.client, token, body, referer, route);
      for (let ev = await up.next(); ev; ev = await up.next()) {
        // An edit uses its first final image: stop reading there.
        if (media && urls.length > 0) break;
        if (ev.type === 'image-progress') {
          if (ev.progress >= 100 && ev.moderated) moderatedSlots.add(ev.index);
          else if (ev.progress >= 100 && ev.url) add(ev.url);
          const pct = Math.max(0, Math.min(100, Math.round(ev.progress)));
          if (!ev.moderated && shown.get(ev.index) !== pct) {
            shown.set(ev.index, pct);
            job.onProgress?.({ type: 'progress', index: indexBase + ev.index, percent: pct });
          }
        } else if (ev.type === 'model-response') {
          if (ev.error) modelError = ev.error;
          for (const u of ev.generatedImageUrls) add(u);
        } else if (ev.type === 'end') break;
      }
    } finally {
      up.close();
    }
    // The same image may come as a relative path and as an absolute URL: keep one of each.
    const absolute = new Set<string>();
    const unique = urls.filter((u) => {
      const a = this.deps.media.assetUrl(u);
      if (absolute.has(a)) return false;
      absolute.add(a);
      return true;
    });
    return { urls: unique, moderated: moderatedSlots.size, modelError };
  }

  private noImages(moderated: number, modelError: string | undefined, what: string): GrokUpstreamError {
    if (moderated > 0) return new GrokUpstreamError({ kind: 'safety-refusal', status: 400, message: `Grok moderated every generated image (${moderated})` });
    if (modelError) return classifyInBandError(undefined, modelError);
    return new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `${what} returned no images` });
  }

  private async viaChat(token: string, job: ImageJob, s: ImageSettings, route: EgressRoute | undefined, accountId: string): Promise<Drawn> {
    const fileIds = job.references.length > 0 ? (await uploadAll(this.deps.media, token, job.references, job.signal, route)).map((u) => u.chatId) : [];
    const mgw = s.chatTransport === 'mgw' && this.deps.turns !== undefined;
    const { urls, moderated, modelError } = await gatherImageUrls(job.n, (want, have) => {
      const body = buildChatBody({
        message: `Drawing: ${job.prompt}`,
        modeId: 'fast',
        temporary: s.temporary,
        disableMemory: s.disableMemory,
        imageGenerationCount: want,
        fileAttachments: fileIds,
      });
      // On mgw: a fast-mode turn whose text chunk is the plain drawing prompt (no history, no role label).
      const turn: ChatTurnInput = {
        transport: 'mgw', prompt: `Drawing: ${job.prompt}`, mode: 'fast', fileIds,
        temporary: s.temporary, disableMemory: s.disableMemory, imageGenerationCount: want,
      };
      return this.readImageStream(token, body, undefined, job, s, have, route, false, mgw ? { input: turn, accountId } : undefined);
    });
    if (urls.length === 0) throw this.noImages(moderated, modelError, 'The drawing chat');
    return { images: await this.publishAll(token, urls.map((u) => ({ upstream: u })), job, route) };
  }

  private async viaEdit(token: string, spec: ModelSpec, job: ImageJob, s: ImageSettings, route: EgressRoute | undefined): Promise<Drawn> {
    if (job.references.length === 0) {
      throw new GrokUpstreamError({ kind: 'bad-request', status: 400, message: 'An image edit needs at least one input image' });
    }
    if (job.references.length > MAX_EDIT_INPUTS) {
      throw new GrokUpstreamError({ kind: 'bad-request', status: 400, message: `An image edit takes at most ${MAX_EDIT_INPUTS} input images` });
    }
    const uploads = await uploadAll(this.deps.media, token, job.references, job.signal, route, 'imagine');
    const inputAssets = uploads.map((u, i) => {
      // Only a fileMetadataId names an edit input; an upload id alone does not.
      if (u.fileMetadataId === undefined) {
        throw new GrokUpstreamError({ kind: 'upstream-5xx', status: 502, message: `Grok answered the upload of input image ${i + 1} without a fileMetadataId` });
      }
      return u.fileMetadataId;
    });
    const upstreamModel = spec.kind === 'image-edit' && spec.upstream_model ? spec.upstream_model : s.editUpstreamModel;
    const body = buildImageEditBody({
      upstreamModel,
      prompt: job.prompt,
      inputAssets,
      aspectRatio: job.aspectRatioGiven === true ? job.aspectRatio : undefined,
    });
    const referer = `${this.deps.media.baseUrl}/imagine`;
    // One image per call (the edit takes n = 1): n images are n calls, each keeping its first final.
    const urls: string[] = [];
    let moderated = 0;
    let modelError: string | undefined;
    for (let i = 0; i < job.n; i++) {
      const r = await this.readImageStream(token, body, referer, job, s, i, route, true);
      moderated += r.moderated;
      modelError ??= r.modelError;
      const first = r.urls.find((u) => !urls.includes(u));
      if (first === undefined) break;
      urls.push(first);
    }
    if (urls.length === 0) throw this.noImages(moderated, modelError, 'The image edit');
    return { images: await this.publishAll(token, urls.map((u) => ({ upstream: u })), job, route) };
  }
}
