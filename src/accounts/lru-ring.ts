// An intrusive doubly linked list: O(1) append, remove and move-to-back. The head is the least
// recently leased member, which is exactly who the selector wants next.

export interface RingNode<T> {
  value: T;
  prev: RingNode<T> | undefined;
  next: RingNode<T> | undefined;
  ring: LruRing<T> | undefined;
}

export class LruRing<T> {
  head: RingNode<T> | undefined;
  tail: RingNode<T> | undefined;
  size = 0;

  static node<T>(value: T): RingNode<T> {
    return { value, prev: undefined, next: undefined, ring: undefined };
  }

  push(node: RingNode<T>): void {
    if (node.ring) node.ring.remove(node);
    node.ring = this;
    node.prev = this.tail;
    node.next = undefined;
    if (this.tail) this.tail.next = node;
    else this.head = node;
    this.tail = node;
    this.size++;
  }

  remove(node: RingNode<T>): void {
    if (node.ring !== this) return;
    if (node.prev) node.prev.next = node.next;
    else this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else this.tail = node.prev;
    node.prev = node.next = undefined;
    node.ring = undefined;
    this.size--;
  }

  moveToBack(node: RingNode<T>): void {
    if (node.ring !== this || node === this.tail) return;
    this.remove(node);
    this.push(node);
  }
}
