// A bounded FIFO that drops its oldest item when full and counts what it dropped; shared by every channel.

export interface QueueEntry<T> {
  seq: number;
  item: T;
}

export class BoundedQueue<T> {
  private entries: QueueEntry<T>[] = [];
  private head = 0;
  private nextSeq = 1;
  /** Items dropped because the queue was full. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError("queue capacity must be a positive integer");
  }

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Adds an item; returns the item dropped to make room, if any. */
  push(item: T): T | undefined {
    let evicted: T | undefined;
    if (this.size >= this.capacity) {
      evicted = this.entries[this.head]!.item;
      this.head++;
      this.dropped++;
    }
    this.entries.push({ seq: this.nextSeq++, item });
    this.compact();
    return evicted;
  }

  /** The oldest entries, up to `max`, while `fits` accepts them (the first always fits). */
  peek(max: number, fits: (item: T, taken: number) => boolean = () => true): QueueEntry<T>[] {
    const out: QueueEntry<T>[] = [];
    for (let i = this.head; i < this.entries.length && out.length < max; i++) {
      const entry = this.entries[i]!;
      if (out.length > 0 && !fits(entry.item, out.length)) break;
      out.push(entry);
    }
    return out;
  }

  /** Removes the given entries if still queued (an entry may have been dropped while in flight). */
  remove(seqs: Iterable<number>): void {
    const gone = new Set(seqs);
    if (gone.size === 0) return;
    const kept = this.entries.slice(this.head).filter((e) => !gone.has(e.seq));
    this.entries = kept;
    this.head = 0;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
