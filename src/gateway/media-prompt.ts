// What an image or video model is asked for when it is reached through chat completions: the last
// user turn is the request; earlier user turns travel as context; the input images are the ones
// the last user turn attached, else the most recent image of the conversation (an image we
// generated earlier, linked in an assistant turn, so "now make it blue" edits that image).
// Nothing here reaches the client: the answer of a media model is only the media it made.
import type { ConversationAttachment, ConversationMessage } from './types.js';

export interface MediaPrompt {
  prompt: string;
  /** Input images (edit references / video reference images), most relevant first. */
  references: ConversationAttachment[];
}

const MD_IMAGE_RE = /!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
const HTML_MEDIA_RE = /<(?:video|img)\b[^>]*\bsrc="([^"]+)"[^>]*>(?:<\/video>)?/gi;

/** Image URLs linked in a text (markdown images), in order. */
export function markdownImageUrls(text: string): string[] {
  return [...text.matchAll(MD_IMAGE_RE)].map((m) => m[1] ?? '').filter((u) => u !== '');
}

function plainText(text: string): string {
  return text.replace(MD_IMAGE_RE, ' ').replace(HTML_MEDIA_RE, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * The prompt and input images for a media request, or undefined when there is no user turn with
 * text (the caller answers 400).
 */
export function composeMediaPrompt(messages: ConversationMessage[], opts: { maxReferences: number }): MediaPrompt | undefined {
  let lastUser = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      lastUser = i;
      break;
    }
  }
  const current = messages[lastUser];
  if (!current) return undefined;
  const request = plainText(current.text);
  if (request === '') return undefined;

  const earlier: string[] = [];
  for (const m of messages.slice(0, lastUser)) {
    if (m.role !== 'user' && m.role !== 'system' && m.role !== 'developer') continue;
    const t = plainText(m.text);
    if (t !== '') earlier.push(t);
  }
  const prompt = earlier.length === 0 ? request : `${request}\n\n(Earlier in this conversation: ${earlier.join(' / ')})`;

  let references = current.attachments.filter((a) => a.kind === 'image');
  if (references.length === 0) {
    // The most recent image of the conversation: attached by the user, or generated and linked by us.
    for (let i = lastUser - 1; i >= 0 && references.length === 0; i--) {
      const m = messages[i] as ConversationMessage;
      if (m.role === 'assistant') {
        const urls = markdownImageUrls(m.text);
        const last = urls[urls.length - 1];
        if (last !== undefined) references = [{ kind: 'image', url: last, param: `messages[${i}].content` }];
      } else if (m.role === 'user') {
        const imgs = m.attachments.filter((a) => a.kind === 'image');
        const last = imgs[imgs.length - 1];
        if (last) references = [last];
      }
    }
  }
  return { prompt, references: references.slice(-opts.maxReferences) };
}
