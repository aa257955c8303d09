import type { WukongOptions } from '../../src/model/wukong-options.js';

type Optimizations = 'fanOutClustering' | 'fanInClustering' | 'delayedIo' | 'alwaysStore';

/** The 16 on/off combinations of WUKONG's optimizations (and alwaysStore), each with `rest`. */
export function everyOptimizationCombination(rest: Omit<WukongOptions, Optimizations>): WukongOptions[] {
  const combinations: WukongOptions[] = [];
  for (const fanOutClustering of [false, true])
    for (const fanInClustering of [false, true])
      for (const delayedIo of [false, true])
        for (const alwaysStore of [false, true]) combinations.push({ ...rest, fanOutClustering, fanInClustering, delayedIo, alwaysStore });
  return combinations;
}

/** A test name's tag for a combination: `fanout+delayed`, or `none`. */
export function combinationLabel(o: WukongOptions): string {
  return [o.fanOutClustering && 'fanout', o.fanInClustering && 'fanin', o.delayedIo && 'delayed', o.alwaysStore && 'store'].filter(Boolean).join('+') || 'none';
}
