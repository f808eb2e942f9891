// Markdown made from cards (docs/grok-protocol.md §21.5.3): link text and destinations escaped so a
// title or URL cannot end the link early, and the image link of a searched-image card.
import { stringField } from './card-registry.js';

/** Link text: brackets and backslashes would end or break the markdown link. */
export function escapeLinkText(text: string): string {
  if (!/[[\]\\\n]/.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\[/g, '\\[').replace(/\]/g, '\\]').replace(/\s*\n\s*/g, ' ');
}

/** Link destination: a space or ')' would end a markdown link early. */
export function escapeLinkUrl(url: string): string {
  if (url.indexOf(' ') === -1 && url.indexOf(')') === -1) return url;
  return url.replace(/ /g, '%20').replace(/\)/g, '%29');
}

/** `![title](thumbnail)`, linked to the page when the card names one; undefined without a thumbnail. */
export function searchedImageMarkdown(card: Record<string, unknown>): string | undefined {
  const raw = card['image'];
  const image = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : undefined;
  const thumb = stringField(image, 'thumbnail') || stringField(image, 'original');
  if (!thumb) return undefined;
  const title = escapeLinkText(stringField(image, 'title') || 'image');
  const link = stringField(image, 'link');
  const img = `![${title}](${escapeLinkUrl(thumb)})`;
  return link ? `[${img}](${escapeLinkUrl(link)})` : img;
}
