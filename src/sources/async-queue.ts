// A FIFO between a producer task and an async consumer: push never blocks, next() waits for an item or the end.

export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private ended = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  /** No more items will come; next() returns undefined once the queue is empty. */
  end(): void {
    this.ended = true;
    this.notify();
  }

  /** The oldest item, waiting for one if needed; undefined when the queue has ended and is empty. */
  async next(): Promise<T | undefined> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) return item;
      if (this.ended) return undefined;
      await new Promise<void>((r) => (this.wake = r));
    }
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}
