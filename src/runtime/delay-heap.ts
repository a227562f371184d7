// Keys waiting for a delivery time: a binary min-heap with one entry per key, so scheduling a key
// again only ever moves it earlier (KubeFed's "delaying deliverer").

interface Entry {
  readonly key: string;
  due: number;
  /** Insertion order, so that keys due at the same time come out first-in first-out. */
  seq: number;
}

export class DelayHeap {
  readonly #heap: Entry[] = [];
  readonly #index = new Map<string, number>();
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** When `key` is due, or undefined if it is not scheduled. */
  dueOf(key: string): number | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : this.#heap[i]?.due;
  }

  /** Earliest due time of all keys. */
  peekDue(): number | undefined {
    return this.#heap[0]?.due;
  }

  /**
   * Schedules `key` at `due` unless it is already scheduled at that time or earlier.
   * Returns whether the schedule changed.
   */
  schedule(key: string, due: number): boolean {
    const i = this.#index.get(key);
    if (i === undefined) {
      this.#heap.push({ key, due, seq: this.#seq++ });
      this.#index.set(key, this.#heap.length - 1);
      this.#up(this.#heap.length - 1);
      return true;
    }
    const entry = this.#at(i);
    if (entry.due <= due) return false;
    entry.due = due;
    entry.seq = this.#seq++;
    this.#up(i);
    return true;
  }

  delete(key: string): boolean {
    const i = this.#index.get(key);
    if (i === undefined) return false;
    this.#removeAt(i);
    return true;
  }

  /** Removes and returns, earliest first, every key due at or before `now`. */
  popDue(now: number): { key: string; due: number }[] {
    const out: { key: string; due: number }[] = [];
    for (let top = this.#heap[0]; top !== undefined && top.due <= now; top = this.#heap[0]) {
      this.#removeAt(0);
      out.push({ key: top.key, due: top.due });
    }
    return out;
  }

  clear(): void {
    this.#heap.length = 0;
    this.#index.clear();
  }

  #at(i: number): Entry {
    const entry = this.#heap[i];
    if (entry === undefined) throw new Error(`delay heap: no entry at ${i}`);
    return entry;
  }

  #less(a: number, b: number): boolean {
    const x = this.#at(a);
    const y = this.#at(b);
    return x.due < y.due || (x.due === y.due && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    const x = this.#at(a);
    const y = this.#at(b);
    this.#heap[a] = y;
    this.#heap[b] = x;
    this.#index.set(y.key, a);
    this.#index.set(x.key, b);
  }

  #removeAt(i: number): void {
    const last = this.#heap.length - 1;
    const removed = this.#at(i);
    if (i !== last) this.#swap(i, last);
    this.#heap.pop();
    this.#index.delete(removed.key);
    if (i < this.#heap.length) {
      this.#up(i);
      this.#down(i);
    }
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#heap.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < n && this.#less(left, smallest)) smallest = left;
      if (right < n && this.#less(right, smallest)) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }
}
