/**
 * Bounded min-heap keeping the k items with the largest keys. Equal keys are ordered by `before` (a total
 * order on the items) when given, else by arrival (the earlier item stays). With `before`, what is kept and
 * the order of `sorted()` depend only on the set of items offered, not on the order they come in: the top-k
 * of a whole genome equals the top-k of the shards' top-k lists (workflow shards, src/lib/select/screenShards.ts).
 */
export class TopK<T> {
  private keys: number[] = [];
  private items: T[] = [];
  /** Arrival number of each kept item (the tie order without `before`). */
  private seqs: number[] = [];
  private seq = 0;
  constructor(
    readonly capacity: number,
    private readonly before?: (a: T, b: T) => boolean,
  ) {}

  get size(): number {
    return this.keys.length;
  }

  /**
   * Smallest key kept, or -Infinity while not full. A key below it cannot get in; a key equal to it can only
   * with `before` (callers skip `key < floor`, or `key <= floor` when the heap has no `before`).
   */
  get floor(): number {
    return this.keys.length < this.capacity ? -Infinity : this.keys[0];
  }

  /** Offers an item; `make` is only called when it may get in (saves allocations in hot loops). */
  offer(key: number, make: () => T): void {
    if (this.capacity <= 0) return;
    const s = this.seq++;
    if (this.keys.length < this.capacity) {
      this.keys.push(key);
      this.items.push(make());
      this.seqs.push(s);
      this.up(this.keys.length - 1);
    } else if (key > this.keys[0]) {
      this.replaceRoot(key, make(), s);
    } else if (key === this.keys[0] && this.before) {
      const item = make();
      if (this.before(item, this.items[0])) this.replaceRoot(key, item, s);
    }
  }

  /** Items by decreasing key (equal keys: by `before`, else by arrival). */
  sorted(): { key: number; item: T }[] {
    const idx = this.keys.map((_, i) => i);
    idx.sort((a, b) => (this.worse(a, b) ? 1 : this.worse(b, a) ? -1 : 0));
    return idx.map((i) => ({ key: this.keys[i], item: this.items[i] }));
  }

  private replaceRoot(key: number, item: T, s: number): void {
    this.keys[0] = key;
    this.items[0] = item;
    this.seqs[0] = s;
    this.down(0);
  }

  /** Entry i ranks below entry j (smaller key, or an equal key and j comes first). */
  private worse(i: number, j: number): boolean {
    const ki = this.keys[i];
    const kj = this.keys[j];
    if (ki !== kj) return ki < kj;
    return this.before ? this.before(this.items[j], this.items[i]) : this.seqs[j] < this.seqs[i];
  }

  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
    [this.items[i], this.items[j]] = [this.items[j], this.items[i]];
    [this.seqs[i], this.seqs[j]] = [this.seqs[j], this.seqs[i]];
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.worse(l, m)) m = l;
      if (r < n && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}
