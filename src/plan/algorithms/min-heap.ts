/** A binary min-heap of integer items keyed by a number the caller keeps (O(log n) push and pop). */
export class MinHeap {
  private readonly items: number[] = [];
  constructor(private readonly keyOf: (item: number) => number) {}

  get size(): number {
    return this.items.length;
  }

  peek(): number | undefined {
    return this.items[0];
  }

  push(item: number): void {
    const items = this.items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (this.keyOf(items[up] as number) <= this.keyOf(item)) break;
      items[i] = items[up] as number;
      i = up;
    }
    items[i] = item;
  }

  pop(): number | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    const key = this.keyOf(last);
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && this.keyOf(items[child + 1] as number) < this.keyOf(items[child] as number)) child += 1;
      if (this.keyOf(items[child] as number) >= key) break;
      items[i] = items[child] as number;
      i = child;
    }
    items[i] = last;
    return top;
  }
}
