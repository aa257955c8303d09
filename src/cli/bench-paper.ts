import { DEFAULT_WUKONG_OPTIONS, parseWukongOptimizations } from '../model/wukong-options.js';
import type { BenchMeasure } from '../report/bench-table.js';
import { benchCases, type BenchCase } from './bench-cases.js';
import type { BenchProgress } from './bench-progress.js';
import { benchSimCase } from './bench-runner.js';
import type { BenchVariant } from './bench-variants.js';

/**
 * `wukong bench --paper` (issue 15 item 5): the SoCC'20 figures (Carver et al., "Wukong: A
 * Scalable and Locality-Enhanced Framework for Serverless Parallel Computing") beside this
 * simulator's at the paper's sizes. The paper's figures are read off its plots and text, so they
 * are approximate ("~"); a speed-up row compares the paper's factor with ours.
 */

/** WUKONG with a set of optimizations (`--wukong-opts` syntax). */
function wukongVariant(name: string, opts: string): BenchVariant {
  return { name, kind: 'wukong', wukong: { ...DEFAULT_WUKONG_OPTIONS, ...parseWukongOptimizations(opts) } };
}

const ALL = wukongVariant('all', 'all');
const NONE = wukongVariant('none', 'none');
const CLUSTERING = wukongVariant('clustering only', 'fanout-clustering,fanin-clustering');
const DELAYED = wukongVariant('delayed I/O only', 'delayed-io');

/** One row: a makespan the paper reports, or a speed-up over `none` on the same case. */
export interface PaperRow {
  readonly label: string;
  readonly caseLabel: string;
  readonly variant: string;
  /** Paper: seconds for a makespan row, the factor over `none` for a speed-up row. */
  readonly paper: number;
  readonly kind: 'makespan' | 'speed-up';
  /** Ours, in the same unit. */
  readonly ours: number;
  /** Ours in seconds (speed-up rows too). */
  readonly oursSeconds: number;
}

interface PaperCaseSpec {
  readonly caseLabel: string;
  readonly variants: readonly BenchVariant[];
  readonly rows: readonly { readonly label: string; readonly variant: string; readonly paper: number; readonly kind: PaperRow['kind'] }[];
}

/**
 * The paper's figures: TR 1,024 elements at 0 and 500 ms per reduction (~1.8 s, ~7.0 s), GEMM
 * 25k x 25k in 5k blocks (~96 s), and the SVD2 50k factor analysis (task clustering +48.8 %,
 * delayed I/O +46.2 %, all 4.6x over none; a "+x %" is read as a speed-up of 1 + x/100).
 */
const PAPER_CASES: readonly PaperCaseSpec[] = [
  { caseLabel: 'tr', variants: [ALL], rows: [{ label: 'TR 1,024, 0 ms, all', variant: 'all', paper: 1.8, kind: 'makespan' }] },
  { caseLabel: 'tr-500ms', variants: [ALL], rows: [{ label: 'TR 1,024, 500 ms, all', variant: 'all', paper: 7.0, kind: 'makespan' }] },
  { caseLabel: 'gemm', variants: [ALL], rows: [{ label: 'GEMM 25k (5k blocks), all', variant: 'all', paper: 96, kind: 'makespan' }] },
  {
    caseLabel: 'svd-square',
    variants: [NONE, CLUSTERING, DELAYED, ALL],
    rows: [
      { label: 'SVD2 50k, clustering only, speed-up over none', variant: 'clustering only', paper: 1.488, kind: 'speed-up' },
      { label: 'SVD2 50k, delayed I/O only, speed-up over none', variant: 'delayed I/O only', paper: 1.462, kind: 'speed-up' },
      { label: 'SVD2 50k, all, speed-up over none', variant: 'all', paper: 4.6, kind: 'speed-up' },
    ],
  },
];

export interface PaperComparison {
  readonly rows: PaperRow[];
  readonly measures: BenchMeasure[];
  readonly taskCosts: string[];
}

/**
 * The paper's driver invoked the leaf tasks from 16 invoker processes plus the scheduler itself,
 * each making one synchronous Invoke call after another (ds2-lab/Wukong, SoCC'20 branch: Static
 * Scheduler/wukong/scheduler.py `num_lambda_invokers = 16`; batched_lambda_invoker.py splits the
 * leaves into num_invokers + 1 chunks, "since the Scheduler can also invoke"): 17 calls in flight,
 * where this project's driver keeps 64.
 */
export const SOCC20_INVOKE_CONCURRENCY = 17;

/**
 * The paper's tree reduction sums range(1024) pairwise (ds2-lab/Wukong examples/tree_reduction.py:
 * `L = range(1024)`, then `delayed(operator.add)` over pairs): its 1,023 tasks are additions, the
 * 512 leaves adding two numbers held in the DAG. Our generator's leaves are tasks of their own
 * (a 1x1 matrix.random per number), so the same shape, 512 leaf invocations and 1,023 tasks in 10
 * levels, is `elements=512`; at 1,024 elements the client would invoke 1,024 leaves.
 */
const SOCC20_TR_ELEMENTS = 512;

/**
 * The paper's SVD2 is `da.linalg.svd_compressed(X, k=5)` (ds2-lab/Wukong, SoCC'20 branch: Static
 * Scheduler/examples/svd2.py) with Dask's defaults: `n_power_iter=0` in every Dask release
 * (dask/array/linalg.py), so no power iteration, where our generator's default runs one (two more
 * passes over A, through g^2 transposes of its 200 MB blocks). k = 5 leaves the sketch at l = 20.
 */
const SOCC20_SVD2_PARAMS = { rank: 5, powerIterations: 0 } as const;

/** The bench cases at the paper's sizes, with the paper's TR shape and SVD2 parameters. */
export function paperBenchCases(): BenchCase[] {
  return benchCases(['tr', 'gemm', 'svd-square'], 'paper').map((c) => {
    if (c.workload.name === 'tr') return { ...c, params: { ...c.params, elements: SOCC20_TR_ELEMENTS } };
    if (c.workload.name === 'svd-square') return { ...c, params: { ...c.params, ...SOCC20_SVD2_PARAMS } };
    return c;
  });
}

export async function comparePaper(options: { profile: string; repeats: number; progress: BenchProgress }): Promise<PaperComparison> {
  const cases = paperBenchCases();
  const rows: PaperRow[] = [];
  const measures: BenchMeasure[] = [];
  const taskCosts = new Set<string>();
  for (const spec of PAPER_CASES) {
    const c = cases.find((x) => x.label === spec.caseLabel) as BenchCase;
    // No history: the paper's sizes are priced by the profile's op cost models alone.
    const result = await benchSimCase(c, spec.variants, { profile: options.profile, repeats: options.repeats, memoryMb: 3008, metadata: false, planningHistory: undefined, progress: options.progress, invokeConcurrency: SOCC20_INVOKE_CONCURRENCY });
    measures.push(...result.measures);
    taskCosts.add(result.taskCosts);
    const seconds = (variant: string) => (result.measures.find((m) => m.variant === variant)?.makespanMs ?? Number.NaN) / 1000;
    for (const row of spec.rows) {
      const oursSeconds = seconds(row.variant);
      const ours = row.kind === 'makespan' ? oursSeconds : seconds('none') / oursSeconds;
      rows.push({ ...row, caseLabel: spec.caseLabel, ours, oursSeconds });
    }
  }
  return { rows, measures, taskCosts: [...taskCosts] };
}

/** The side-by-side table (markdown), one row per paper figure. */
export function formatPaperTable(comparison: PaperComparison, profile: string, repeats: number): string {
  const lines = [
    `SoCC'20 figures beside the simulator (profile ${profile}, seeds 1..${repeats}, median; 3,008 MB functions, Redis, no history; the paper's driver: ${SOCC20_INVOKE_CONCURRENCY} Invoke calls in flight, TR as ${SOCC20_TR_ELEMENTS} leaf tasks and 1,023 in all)`,
    '',
    '| case | paper | ours | ours / paper | ours, makespan |',
    '|---|---:|---:|---:|---:|',
  ];
  for (const r of comparison.rows) {
    const unit = (v: number) => (r.kind === 'makespan' ? `${v.toFixed(2)} s` : `${v.toFixed(2)}x`);
    lines.push(`| ${r.label} | ~${unit(r.paper)} | ${unit(r.ours)} | ${(r.ours / r.paper).toFixed(2)} | ${r.oursSeconds.toFixed(2)} s |`);
  }
  lines.push('', ...doneWhen(comparison.rows), '', ...comparison.taskCosts.map((t) => `task costs: ${t}`));
  return `${lines.join('\n')}\n`;
}

/**
 * Issue 15's Done-when on these rows: TR within 20 % of the paper; SVD2 clustering only and
 * delayed I/O only each at least 15 % faster than none (makespan at most 0.85 of none's, a
 * speed-up of at least 1 / 0.85 = 1.18x), all at least 3x.
 */
function doneWhen(rows: readonly PaperRow[]): string[] {
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  return rows.flatMap((r) => {
    if (r.kind === 'makespan' && r.caseLabel.startsWith('tr')) return [`${r.label}: within 20 % of the paper: ${verdict(Math.abs(r.ours / r.paper - 1) <= 0.2)} (${((r.ours / r.paper - 1) * 100).toFixed(1)} %)`];
    if (r.kind !== 'speed-up') return [];
    if (r.variant === 'all') return [`${r.label}: at least 3x: ${verdict(r.ours >= 3)} (${r.ours.toFixed(2)}x)`];
    const faster = 1 - 1 / r.ours;
    return [`${r.label}: at least 15 % faster than none: ${verdict(faster >= 0.15)} (${(faster * 100).toFixed(1)} % faster)`];
  });
}
