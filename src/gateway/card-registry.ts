// The cards of one answer (docs/grok-protocol.md §21.4.5), by id, for the markup filter's
// `<grok:render card_id=…>` tags, and the page titles seen in search results.

/**
 * Cards seen in `card` events, by id (citation cards carry `url`, searched-image cards `image`).
 * One per answer; most answers have no cards or titles, so the maps are made on first use.
 */
export class CardRegistry {
  private cards: Map<string, Record<string, unknown>> | undefined;
  private titles: Map<string, string> | undefined;

  add(id: string, card: Record<string, unknown>): void {
    if (id) (this.cards ??= new Map()).set(id, card);
  }

  get(id: string): Record<string, unknown> | undefined {
    return this.cards?.get(id);
  }

  /** Remember a page title seen in search results: citation cards carry only a URL. First wins. */
  noteTitle(url: string, title: string): void {
    if (!url || !title) return;
    const titles = (this.titles ??= new Map());
    if (!titles.has(url)) titles.set(url, title);
  }

  titleFor(url: string): string | undefined {
    return this.titles?.get(url);
  }
}

/** A string field of a card ("" when absent or not a string). */
export function stringField(obj: Record<string, unknown> | undefined, key: string): string {
  const v = obj?.[key];
  return typeof v === 'string' ? v : '';
}
