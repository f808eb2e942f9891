// A binary min-heap keyed by time: parked accounts (quota used up, or cooling after a 429)
// wait here until their window resets, and return to rotation in O(log n).

export interface HeapEntry<T> {
  at: number;
  value: T;
}

export class MinHeap<T> {
  private readonly items: HeapEntry<T>[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): HeapEntry<T> | undefined {
    return this.items[0];
  }

  push(at: number, value: T): void {
    const a = this.items;
    a.push({ at, value });
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pi = a[p] as HeapEntry<T>;
      const ci = a[i] as HeapEntry<T>;
      if (pi.at <= ci.at) break;
      a[p] = ci;
      a[i] = pi;
      i = p;
    }
  }

  pop(): HeapEntry<T> | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && (a[l] as HeapEntry<T>).at < (a[m] as HeapEntry<T>).at) m = l;
        if (r < a.length && (a[r] as HeapEntry<T>).at < (a[m] as HeapEntry<T>).at) m = r;
        if (m === i) break;
        const t = a[m] as HeapEntry<T>;
        a[m] = a[i] as HeapEntry<T>;
        a[i] = t;
        i = m;
      }
    }
    return top;
  }
}
