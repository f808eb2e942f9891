// Export (GET /api/tokens/export): the only place whole tokens leave the gateway. The file is
// built in memory and handed to the browser as a download; the tokens are never shown on screen.
import { errorFrom, withQuery } from '../../api/client';

/** Ids per request: keeps each URL well under common length limits. */
const CHUNK = 150;

async function fetchText(ids?: string[]): Promise<string> {
  const res = await fetch(withQuery('/api/tokens/export', { format: 'text', ids: ids?.join(',') }), { credentials: 'same-origin' });
  if (!res.ok) throw await errorFrom(res);
  return res.text();
}

/** Downloads the selected accounts (or all when `ids` is empty); returns how many lines. */
export async function downloadExport(ids: string[]): Promise<number> {
  let text = '';
  if (ids.length === 0) text = await fetchText();
  else {
    for (let i = 0; i < ids.length; i += CHUNK) {
      const part = await fetchText(ids.slice(i, i + CHUNK));
      text += part === '' || part.endsWith('\n') ? part : `${part}\n`;
    }
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '').length;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'grok2api-tokens.txt';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return lines;
}
