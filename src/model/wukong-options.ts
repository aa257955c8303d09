import * as z from 'zod';

/**
 * WUKONG's three locality optimizations (Carver et al., SoCC'20), each switchable, and the size
 * threshold that makes an output "large". The one definition: the run spec stores it as is.
 * docs/WUKONG-FIDELITY.md says, rule by rule, how these behave against the original.
 */
export const WukongOptionsSchema = z
  .object({
    /**
     * Large output: run the ready single-parent children here, in sequence, instead of invoking
     * executors. With fanInClustering this is the original's one clustering rule (`process_big`:
     * every ready child of a big output runs locally); the two flags exist for ablation.
     */
    fanOutClustering: z.boolean(),
    /** Large output: run the fan-in children it completes (or finds complete) here instead of invoking. */
    fanInClustering: z.boolean(),
    /**
     * Large output with an unready fan-in child that no co-parent may also hold back (same op, or
     * a predicted output as large): keep the output in memory, recheck after each task, poll when
     * idle (see `poll`), and store and mark only when polling gives up.
     */
    delayedIo: z.boolean(),
    /** An output whose encoded bytes reach this is large (the original's `big_task_threshold`). */
    thresholdBytes: z.number().int().nonnegative(),
    /**
     * Store every small output before its fan-in marks and invocations, needed or not, as the
     * original does (`process_small`); with every optimization off, every output (the original
     * without clustering has no big-output path). Off: store only what another executor or the
     * client reads.
     * Absent (older run specs, the CLI): on.
     */
    alwaysStore: z.boolean().default(true),
    /** Delayed I/O polling; absent: the original's timings (DEFAULT_DELAYED_IO_POLL). */
    poll: z
      .object({
        /** Sleep after the n-th fruitless check: min(capMs, baseMs x n). */
        baseMs: z.number().nonnegative(),
        capMs: z.number().nonnegative(),
        /** Sleeps before giving up: then the output is stored and the fan-ins marked. */
        maxTries: z.number().int().nonnegative(),
      })
      .strict()
      .optional(),
    /**
     * Outputs up to this many bytes travel inline in an invocation payload (Lambda's async payload
     * limit is 1 MB; the default keeps well below it, leaving room for the event's other fields).
     */
    inlineBudgetBytes: z.number().int().nonnegative(),
  })
  .strict();

export type WukongOptions = Readonly<z.infer<typeof WukongOptionsSchema>>;

export const WUKONG_OPTIMIZATIONS = ['fanout-clustering', 'fanin-clustering', 'delayed-io'] as const;
export type WukongOptimization = (typeof WUKONG_OPTIMIZATIONS)[number];

/**
 * 200,000,000 bytes: the original's `big_task_threshold` default (Static Scheduler/wukong/
 * scheduler.py at socc2020). Its LocalCluster default was 50 bytes until commit 036baf0, which made
 * almost every output "big"; 1 MiB here had the same effect on real workloads (issue 14).
 */
export const DEFAULT_THRESHOLD_BYTES = 200_000_000;

/** The original's delayed I/O polling (`process_enqueued_tasks_looped`): 1.5 s x n, capped at 10 s, 20 tries. */
export const DEFAULT_DELAYED_IO_POLL: DelayedIoPoll = Object.freeze({ baseMs: 1_500, capMs: 10_000, maxTries: 20 });
export interface DelayedIoPoll {
  readonly baseMs: number;
  readonly capMs: number;
  readonly maxTries: number;
}
export const DEFAULT_INLINE_BUDGET_BYTES = 256 * 1024;

export const DEFAULT_WUKONG_OPTIONS: WukongOptions = Object.freeze({
  fanOutClustering: true,
  fanInClustering: true,
  delayedIo: true,
  thresholdBytes: DEFAULT_THRESHOLD_BYTES,
  inlineBudgetBytes: DEFAULT_INLINE_BUDGET_BYTES,
  alwaysStore: true,
});

/**
 * Parses `--wukong-opts`: `all`, `none`, or a comma list of fanout-clustering, fanin-clustering,
 * delayed-io. Throws with the offending word named.
 */
export function parseWukongOptimizations(text: string): Pick<WukongOptions, 'fanOutClustering' | 'fanInClustering' | 'delayedIo'> {
  const words = text
    .split(',')
    .map((w) => w.trim())
    .filter((w) => w.length > 0);
  if (words.length === 1 && words[0] === 'all') return { fanOutClustering: true, fanInClustering: true, delayedIo: true };
  if (words.length === 1 && words[0] === 'none') return { fanOutClustering: false, fanInClustering: false, delayedIo: false };
  const chosen = new Set<string>();
  for (const word of words) {
    if (!(WUKONG_OPTIMIZATIONS as readonly string[]).includes(word)) {
      throw new RangeError(`unknown WUKONG optimization "${word}"; use all, none, or a comma list of ${WUKONG_OPTIMIZATIONS.join(', ')}`);
    }
    chosen.add(word);
  }
  return {
    fanOutClustering: chosen.has('fanout-clustering'),
    fanInClustering: chosen.has('fanin-clustering'),
    delayedIo: chosen.has('delayed-io'),
  };
}
