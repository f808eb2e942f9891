// A bounded buffer: pushing beyond the capacity drops the oldest item. O(1) push and indexed read,
// no array shifting, so the call log's window costs nothing per call whatever its size.

export class RingBuffer<T> {
  private items: T[] = [];
  /** Index of the oldest item once the buffer is full. */
  private head = 0;

  constructor(private cap: number) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${cap}`);
  }

  get size(): number {
    return this.items.length;
  }

  get capacity(): number {
    return this.cap;
  }

  /** Adds an item; returns the item it dropped, if any. */
  push(item: T): T | undefined {
    if (this.items.length < this.cap) {
      this.items.push(item);
      return undefined;
    }
    const dropped = this.items[this.head];
    this.items[this.head] = item;
    this.head = (this.head + 1) % this.cap;
    return dropped;
  }

  /** The i-th item, 0 = oldest. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.items.length) return undefined;
    return this.items[(this.head + i) % this.items.length];
  }

  /** Oldest first. */
  toArray(): T[] {
    return this.head === 0 ? this.items.slice() : [...this.items.slice(this.head), ...this.items.slice(0, this.head)];
  }

  /** Keeps the items for which `keep` is true (in order); returns how many were removed. */
  retain(keep: (item: T) => boolean): number {
    const before = this.items.length;
    this.items = this.toArray().filter(keep);
    this.head = 0;
    return before - this.items.length;
  }

  /** Changes the capacity, keeping the newest items that fit. */
  resize(cap: number): void {
    if (cap === this.cap) return;
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`ring buffer capacity must be a positive integer, got ${cap}`);
    this.items = this.toArray().slice(-cap);
    this.head = 0;
    this.cap = cap;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
