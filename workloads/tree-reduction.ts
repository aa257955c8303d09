import type { TaskHints } from '../src/model/dag-schema.js';
import type { DagBuilder } from './dag-builder.js';

/**
 * The groups of a tree reduction of `count` values with fan-in `splitEvery`, level by level: each
 * level combines consecutive runs of up to `splitEvery` items of the level below. A lone leftover
 * item is carried up unchanged (no task), so with splitEvery = 2 the tree has exactly count - 1
 * combining tasks. Level 0 items are the inputs; item j of level l+1 is group j of level l.
 */
export function reductionLevels(count: number, splitEvery: number): number[][][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`a reduction needs at least one value, got ${count}`);
  if (!Number.isInteger(splitEvery) || splitEvery < 2) throw new RangeError(`splitEvery must be an integer >= 2, got ${splitEvery}`);
  const levels: number[][][] = [];
  let width = count;
  while (width > 1) {
    const groups: number[][] = [];
    for (let start = 0; start < width; start += splitEvery) {
      groups.push(Array.from({ length: Math.min(splitEvery, width - start) }, (_, k) => start + k));
    }
    levels.push(groups);
    width = groups.length;
  }
  return levels;
}

/** Combining tasks of a tree reduction: groups of more than one item (leftovers are carried). */
export function treeReductionTaskCount(count: number, splitEvery: number): number {
  return reductionLevels(count, splitEvery)
    .flat()
    .filter((group) => group.length > 1).length;
}

export interface TreeReductionOptions {
  /** Ids are `${idPrefix}${level}-${index}` (levels from 1)... */
  readonly idPrefix: string;
  /** ...except the root's, when given. */
  readonly rootId?: string;
  readonly splitEvery: number;
  /** The combining op (default matrix.add) and its args. */
  readonly op?: string;
  readonly args?: Record<string, unknown>;
  /** Priors for planners and the simulator (e.g. a delay's duration), on every combining task. */
  readonly hints?: TaskHints;
}

/**
 * Adds a tree reduction over `refs` (each group's inputs in order) and returns the ref of the
 * root; a single ref is returned as is, with no task.
 */
export function addTreeReduction(builder: DagBuilder, refs: readonly string[], options: TreeReductionOptions): string {
  const levels = reductionLevels(refs.length, options.splitEvery);
  let current = [...refs];
  levels.forEach((groups, level) => {
    const isRoot = level === levels.length - 1;
    current = groups.map((group, index) => {
      const deps = group.map((i) => current[i]!);
      if (deps.length === 1) return deps[0]!;
      const id = isRoot && options.rootId !== undefined ? options.rootId : `${options.idPrefix}${level + 1}-${index}`;
      return builder.add(id, options.op ?? 'matrix.add', { deps, ...(options.args ? { args: options.args } : {}), ...(options.hints ? { hints: options.hints } : {}) });
    });
  });
  return current[0]!;
}
