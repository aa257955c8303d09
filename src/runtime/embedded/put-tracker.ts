/**
 * Which puts of the executor threads are still on their way to the main thread's memory store.
 *
 * Only puts that travel by message concern it: a put the run's shared value table takes
 * (../../storage/memory/shared-value-table.ts; most small outputs) is published in shared memory
 * before the mark that follows it, and is neither counted nor awaited. The others (values of
 * 64 KiB and more, keys the table does not know, puts once its arena is full, and puts of a thread
 * that has not received the run's table yet) go one way, batched, on the thread's port; the fan-in
 * mark that follows such a put is made in shared memory (../../storage/memory/shared-fan-in-table.ts)
 * and is seen by other threads at once. So a completer may ask the main thread for a parent's
 * output before that parent's put has arrived. Each thread counts the puts it posted in shared
 * memory (incremented before the mark is made); the main thread counts those it applied. A get
 * that misses while puts are in flight is asked again once every put posted before the miss has
 * been applied: the put that happened before the mark the getter saw is among them.
 */
interface ThreadPuts {
  readonly posted: Int32Array;
  applied: number;
  /** The thread died: the puts it never sent are not awaited. */
  gone: boolean;
}

export class PutTracker {
  private readonly threads = new Set<ThreadPuts>();
  private waiting: { readonly targets: [ThreadPuts, number][]; readonly then: () => void }[] = [];
  /**
   * When a thread last died with puts it had counted but not sent (performance.now()): a kill
   * between a fan-in mark and the end of its turn loses the batch that held the put. The pool
   * retries that thread's executors, and the retries put the same keys again.
   */
  private lostAt = Number.NEGATIVE_INFINITY;

  /**
   * @param lostPutWaitMs how long after such a death a read that misses keeps asking (a thread's
   * restart and the retry take well under a second here; an executor's store call bound is 30 s).
   */
  constructor(readonly lostPutWaitMs = 10_000) {}

  /** A thread's counter of posted puts; the handle counts its applied puts and ends its tracking. */
  track(posted: Int32Array): { applied(): void; untrack(): void } {
    const thread: ThreadPuts = { posted, applied: 0, gone: false };
    this.threads.add(thread);
    return {
      applied: () => {
        thread.applied += 1;
        this.wake();
      },
      untrack: () => {
        if (Atomics.load(posted, 0) > thread.applied) this.lostAt = performance.now();
        thread.gone = true;
        this.threads.delete(thread);
        this.wake();
      },
    };
  }

  /**
   * Calls `then` once every put posted so far has been applied (at once when none is in flight).
   * Returns whether it had to wait.
   */
  afterPostedPuts(then: () => void): boolean {
    const targets: [ThreadPuts, number][] = [];
    for (const thread of this.threads) {
      const posted = Atomics.load(thread.posted, 0);
      if (posted > thread.applied) targets.push([thread, posted]);
    }
    if (targets.length === 0) return false;
    this.waiting.push({ targets, then });
    return true;
  }

  /** Whether a thread died with puts in flight in the last lostPutWaitMs. */
  lostPutsLately(): boolean {
    return performance.now() - this.lostAt <= this.lostPutWaitMs;
  }

  private wake(): void {
    if (this.waiting.length === 0) return;
    const ready = this.waiting.filter(({ targets }) => targets.every(([thread, target]) => thread.gone || thread.applied >= target));
    if (ready.length === 0) return;
    this.waiting = this.waiting.filter((waiter) => !ready.includes(waiter));
    for (const { then } of ready) then();
  }
}
