/**
 * How much of a plan-agreement gap is the seeds' luck (issue 15 item 7): plan-agreement compares a
 * plan's forecast with the simulated median of a few seeds (1..11), and a median of 11 draws of a
 * skewed makespan moves by several percent from one block of seeds to the next. For each pair this
 * simulates seeds 1..N once and prints the forecast against the median of all N (the estimator's
 * bias), where the forecast falls in the N makespans (its percentile), the first block's median
 * (what plan-agreement measures) and its rank among the N / K blocks of K seeds, the 10th and 90th
 * percentiles of the block medians, and the share of blocks outside +-tolerance. The same for the
 * start wave: the latest first-task start of the workers the client invokes (their cold starts),
 * which is what decides the first block of svc's random plan under aws-blas (BENCHMARKS.md), and
 * the makespan's least-squares slope on it over all N (1: a late wave only delays the run by its
 * own lateness; above 1, it also costs waiting workers parks and re-invocations).
 *
 *   npm run build && node dist/bench/plan-agreement-spread.js [--size medium] [--profile aws-blas]
 *     [--seeds 1001] [--block 11] [--only svc] [--planners random] [--tolerance 0.15]
 *
 * Simulated figures are virtual time: they do not depend on this machine's load. No history is read.
 */
import { Dag } from '../src/dag/dag.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { PlannerOptionsSchema } from '../src/plan/planner-options.js';
import type { RunReport } from '../src/report/run-report.js';
import { mean, median } from '../src/metadata/statistics.js';
import { benchCases, BENCH_WORKLOADS, parseBenchSize, parseBenchWorkloads, splitList } from '../src/cli/bench-cases.js';
import { loadProfile } from '../src/cli/load-profile.js';
import { loadTaskCosts, simulatedPlatform } from '../src/cli/commands/simulate-task-costs.js';
import { planFor } from '../src/cli/planned-input.js';
import { generateValidDag } from '../workloads/replay-runner.js';
import { simulatePlanSeed } from './plan-sims.js';
import { nonNegativeNumber, parseBenchArgs, positiveInt, usageError } from './bench-args.js';

const { values } = parseBenchArgs(
  "How much of a plan-agreement gap is the seeds' luck: each plan's forecast against the simulated makespans of seeds 1..N, and the spread of the medians of blocks of K seeds.",
  {
    options: {
      size: { type: 'string', default: 'medium' },
      profile: { type: 'string', default: 'aws-blas' },
      seeds: { type: 'string', default: '1001' },
      block: { type: 'string', default: '11' },
      only: { type: 'string' },
      planners: { type: 'string' },
      tolerance: { type: 'string', default: '0.15' },
    },
  },
  { notes: { only: 'every bench workload', planners: 'every built-in planner' } },
);
const size = parseBenchSize(values.size, 'sim', '--size');
const seeds = positiveInt(values.seeds, '--seeds');
const block = positiveInt(values.block, '--block');
const tolerance = nonNegativeNumber(values.tolerance, '--tolerance');
if (!(Number.isInteger(block) && block >= 1 && Number.isInteger(seeds) && seeds >= block)) usageError('--seeds and --block: integers, seeds >= block >= 1');
const workloads = values.only === undefined ? [...BENCH_WORKLOADS] : parseBenchWorkloads(values.only);
const planners = values.planners === undefined ? Object.keys(BUILTIN_PLANNERS) : splitList(values.planners, '--planners');

console.log(`plan vs simulation, spread over seeds: size ${size}, profile ${values.profile}, store redis, seeds 1..${seeds} in blocks of ${block}, no history`);
console.log(
  'case | planner | predicted ms | median of all / predicted | predicted percentile | seeds 1..K / predicted | its rank of blocks | blocks p10..p90 / predicted | blocks outside | start wave: all, 1..K (ms, medians) | makespan / wave slope',
);
for (const c of benchCases(workloads, size)) {
  const spec = generateValidDag(c.workload, c.params);
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const costs = await loadTaskCosts(model, { metadata: false, profile: values.profile }, loadProfile);
  for (const planner of planners) {
    const { plan } = await planFor(model, PlannerOptionsSchema.parse({ planner }), undefined, undefined, simulatedPlatform(costs, 'redis'));
    if (!plan) throw new Error(`${planner} made no plan for ${c.label}`);
    const makespans: number[] = [];
    const waves: number[] = [];
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { report } = simulatePlanSeed({ dag, profile: costs.profile, estimator: costs.estimator }, plan, seed, `${c.label} / ${planner}`);
      makespans.push(report.makespanMs);
      waves.push(startWaveMs(report, model));
    }
    const predicted = plan.predicted?.makespanMs ?? Number.NaN;
    const blocks = blockMedians(makespans, block);
    const first = blocks[0] as number;
    const rank = blocks.filter((b) => b >= first).length;
    const sorted = [...blocks].sort((a, b) => a - b);
    const outside = blocks.filter((b) => !(Math.abs(b / predicted - 1) <= tolerance)).length;
    const percentile = (100 * makespans.filter((m) => m <= predicted).length) / makespans.length;
    const ratio = (ms: number) => (ms / predicted).toFixed(3);
    console.log(
      [
        c.label,
        planner,
        predicted.toFixed(1),
        ratio(median(makespans)),
        `${percentile.toFixed(0)} %`,
        ratio(first),
        `${rank} of ${blocks.length}`,
        `${ratio(quantile(sorted, 0.1))}..${ratio(quantile(sorted, 0.9))}`,
        `${outside} of ${blocks.length}`,
        `${median(waves).toFixed(0)}, ${median(waves.slice(0, block)).toFixed(0)}`,
        slope(waves, makespans).toFixed(2),
      ].join(' | '),
    );
  }
}

/** Medians of consecutive blocks of `size` seeds (1..K, K+1..2K, ...); a short last block is left out. */
function blockMedians(values: readonly number[], size: number): number[] {
  const medians: number[] = [];
  for (let start = 0; start + size <= values.length; start += size) medians.push(median(values.slice(start, start + size)));
  return medians;
}

/** The least-squares slope of ys on xs (NaN when every x is the same). */
function slope(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * ((ys[i] as number) - my);
    sxx += (x - mx) ** 2;
  });
  return sxy / sxx;
}

/** The q-quantile of sorted values (nearest rank below). */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * The start wave: when the last of the client's workers (those whose first task is a source) began
 * its first task, in ms from the run's start. A re-invoked incarnation starts at a source's resume
 * point only after a park, so only each worker's first incarnation counts.
 */
function startWaveMs(report: RunReport, dag: Dag): number {
  const seen = new Set<number | string>();
  let latest = 0;
  for (const executor of [...report.executors].sort((a, b) => a.startedAt - b.startedAt)) {
    const key = executor.worker ?? executor.executorId;
    if (seen.has(key)) continue;
    seen.add(key);
    const firstTask = executor.tasks[0];
    if (firstTask === undefined || dag.parents(firstTask.taskId).length > 0) continue;
    latest = Math.max(latest, firstTask.readyAt - report.startedAt);
  }
  return latest;
}
