/**
 * Waits for `work` at most `ms`: true when it settled (resolved or rejected) in time, false when
 * it did not. The work is not cancelled; the caller stops waiting for it. Used where a frozen
 * store (a Redis stopped with SIGSTOP answers nothing, and its socket stays open) must not hold up
 * a run that has already failed: cleanup, closing clients, the last marks.
 */
export async function settleWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long cleanup and closing wait for a store that does not answer. */
export const CLOSE_WAIT_MS = 2_000;
