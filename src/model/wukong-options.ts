import { z } from 'zod';

/**
 * WUKONG's three locality optimizations (Carver et al., SoCC'20), each switchable, and the size
 * threshold that makes an output "large". The one definition: the run spec stores it as is.
 */
export const WukongOptionsSchema = z
  .object({
    /** Large output: run the ready single-parent children here instead of invoking executors. */
    fanOutClustering: z.boolean(),
    /** Large output: run the fan-in children this executor completes here instead of invoking. */
    fanInClustering: z.boolean(),
    /**
     * Large output with unready fan-in children: run the ready work first, recheck, and upload
     * only if a fan-in child still needs the output from storage.
     */
    delayedIo: z.boolean(),
    /** An output of at least this many bytes is large. */
    thresholdBytes: z.number().int().nonnegative(),
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

export const DEFAULT_THRESHOLD_BYTES = 1024 * 1024;
export const DEFAULT_INLINE_BUDGET_BYTES = 256 * 1024;

export const DEFAULT_WUKONG_OPTIONS: WukongOptions = Object.freeze({
  fanOutClustering: true,
  fanInClustering: true,
  delayedIo: true,
  thresholdBytes: DEFAULT_THRESHOLD_BYTES,
  inlineBudgetBytes: DEFAULT_INLINE_BUDGET_BYTES,
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
