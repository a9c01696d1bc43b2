/** Bounded min-heap keeping the k items with the largest keys (ties: the earlier item stays). */
export class TopK<T> {
  private keys: number[] = [];
  private items: T[] = [];
  constructor(readonly capacity: number) {}

  get size(): number {
    return this.keys.length;
  }

  /** Smallest key kept, or -Infinity while not full. */
  get floor(): number {
    return this.keys.length < this.capacity ? -Infinity : this.keys[0];
  }

  /** Offers an item; `make` is only called when it gets in (saves allocations in hot loops). */
  offer(key: number, make: () => T): void {
    if (this.capacity <= 0) return;
    if (this.keys.length < this.capacity) {
      this.keys.push(key);
      this.items.push(make());
      this.up(this.keys.length - 1);
    } else if (key > this.keys[0]) {
      this.keys[0] = key;
      this.items[0] = make();
      this.down(0);
    }
  }

  /** Items by decreasing key. */
  sorted(): { key: number; item: T }[] {
    const out = this.keys.map((key, i) => ({ key, item: this.items[i] }));
    out.sort((a, b) => b.key - a.key);
    return out;
  }

  private up(i: number): void {
    const k = this.keys;
    const it = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (k[p] <= k[i]) break;
      [k[p], k[i]] = [k[i], k[p]];
      [it[p], it[i]] = [it[i], it[p]];
      i = p;
    }
  }

  private down(i: number): void {
    const k = this.keys;
    const it = this.items;
    const n = k.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && k[l] < k[m]) m = l;
      if (r < n && k[r] < k[m]) m = r;
      if (m === i) break;
      [k[m], k[i]] = [k[i], k[m]];
      [it[m], it[i]] = [it[i], it[m]];
      i = m;
    }
  }
}
