import { BadInputError } from '../model/errors.js';
import { DEFAULT_WUKONG_OPTIONS, parseWukongOptimizations, type WukongOptions } from '../model/wukong-options.js';
import { splitList } from './bench-cases.js';

/** One column of the thesis's comparison: WUKONG with some optimizations, or a planner. */
export type BenchVariant =
  | { readonly name: string; readonly kind: 'wukong'; readonly wukong: WukongOptions }
  | { readonly name: string; readonly kind: 'planner'; readonly planner: string };

/**
 * `--wukong-opts` of each WUKONG variant: every one of the 8 combinations of its three
 * optimizations (the thesis's section 4 evaluates them all): all, none, each alone, each pair.
 */
const WUKONG_VARIANTS: Readonly<Record<string, string>> = {
  wukong: 'all',
  'wukong-none': 'none',
  'wukong-fanout': 'fanout-clustering',
  'wukong-fanin': 'fanin-clustering',
  'wukong-delayed': 'delayed-io',
  'wukong-fanout-fanin': 'fanout-clustering,fanin-clustering',
  'wukong-fanout-delayed': 'fanout-clustering,delayed-io',
  'wukong-fanin-delayed': 'fanin-clustering,delayed-io',
};

const PLANNERS = ['uniform', 'nonuniform', 'heft'] as const;

export const BENCH_VARIANTS: readonly string[] = [...Object.keys(WUKONG_VARIANTS), ...PLANNERS];

export function benchVariant(name: string): BenchVariant {
  const opts = WUKONG_VARIANTS[name];
  if (opts !== undefined) return { name, kind: 'wukong', wukong: { ...DEFAULT_WUKONG_OPTIONS, ...parseWukongOptimizations(opts) } };
  if ((PLANNERS as readonly string[]).includes(name)) return { name, kind: 'planner', planner: name };
  throw new BadInputError(`--planners: unknown variant "${name}"; available: ${BENCH_VARIANTS.join(', ')}`);
}

/** The variants `--planners` names; WUKONG (all) comes first whether named or not: it is the baseline. */
export function parseBenchVariants(text: string): BenchVariant[] {
  const names = splitList(text, '--planners');
  const variants = names.map(benchVariant);
  if (!names.includes('wukong')) variants.unshift(benchVariant('wukong'));
  return variants;
}
