/**
 * `uniform`'s plan of one workload with groups of its workers moved to another tier, each variant
 * forecast by the shared estimator and simulated (seeds 1..N, medians), in the simulator's own
 * pricing as bench/tier-savings.ts gives it. It answers "would this tier choice pay, and would the
 * estimator see it?" for moves `nonuniform` does not make (issue 16), and with --workers prints
 * where uniform's forecast bills its GB-seconds: per worker its tier, tasks, held and busy time,
 * and the least slack of its tasks (./../src/plan/algorithms/slack.ts).
 *
 *   npm run build && node dist/bench/tier-moves.js --workload gemm --move '1024:25-49;1024:25-37' [--workers] [--profile aws] [--seeds 3] [--size paper] [--tiers 256,1024,1769,3008] [--case tr-500ms]
 *
 * --move: variants separated by ';', each one or more `MB:WORKERS` joined by '+', WORKERS a comma
 * list of worker indices or ranges (`25-49`), as --workers numbers them
 * (`1769:16-20+1024:21-30`: workers 16-20 to 1,769 MB and 21-30 to 1,024 MB).
 */
import { parseSla } from '../src/metadata/sla.js';
import { estimated, type EstimatedPlan } from '../src/plan/algorithms/optimizations.js';
import { startSlackMs } from '../src/plan/algorithms/slack.js';
import { planUniformBest } from '../src/plan/algorithms/uniform.js';
import { cloneCompactPlan, toPlanOutput, type CompactPlan } from '../src/plan/compact-plan.js';
import { planDag } from '../src/plan/plan-dag.js';
import { bestTierIndex, predictTaskCosts, type TaskCosts } from '../src/plan/task-costs.js';
import { DEFAULT_TIERS, parseTiers } from '../src/plan/tiers.js';
import { estimatorMetadata } from '../src/sim/estimator-metadata.js';
import { benchProfile, simulatedCases, simulatePlanSeeds } from './plan-sims.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  "`uniform`'s plan of one workload with groups of its workers moved to another tier, each variant forecast by the shared estimator and simulated (seeds 1..N, medians); with --workers, where uniform's forecast bills its GB-seconds.",
  {
    options: {
      workload: { type: 'string', default: 'gemm' },
      move: { type: 'string', default: '' },
      workers: { type: 'boolean', default: false },
      seeds: { type: 'string', default: '3' },
      size: { type: 'string', default: 'paper' },
      profile: { type: 'string', default: 'aws' },
      tiers: { type: 'string' },
      // One of the workload's cases by its label (tr has two: tr and tr-500ms); all of them if absent.
      case: { type: 'string' },
    },
  },
  { notes: { tiers: "the planners' default tiers", case: "all of the workload's cases" } },
);
const profile = benchProfile(values.profile);
const seeds = positiveInt(values.seeds, '--seeds');
const sla = parseSla('median');
// The tiers uniform chooses among and the moves may name (the planners' defaults unless given).
const tiers = values.tiers === undefined ? DEFAULT_TIERS : parseTiers(values.tiers);

/** One variant: groups of workers, each group to its tier. */
interface Move {
  readonly label: string;
  readonly groups: readonly { readonly tierMb: number; readonly workers: readonly number[] }[];
}

function parseMoves(text: string): Move[] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => ({ label: part, groups: part.split('+').map(parseGroup) }));
}

function parseGroup(text: string): { tierMb: number; workers: number[] } {
  const [mb, list] = text.split(':');
  if (mb === undefined || list === undefined) throw new Error(`--move: "${text}" is not MB:WORKERS`);
  const workers = list.split(',').flatMap((item) => {
    const [from, to] = item.split('-').map(Number);
    if (from === undefined || !Number.isInteger(from)) throw new Error(`--move: "${item}" is not a worker index or range`);
    const last = to ?? from;
    return Array.from({ length: last - from + 1 }, (_, i) => from + i);
  });
  return { tierMb: Number(mb), workers };
}

function moved(costs: TaskCosts, plan: CompactPlan, move: Move): CompactPlan {
  const next = cloneCompactPlan(plan);
  for (const { tierMb, workers } of move.groups) {
    const tier = costs.tiers.indexOf(tierMb);
    if (tier === -1) throw new Error(`--move: ${tierMb} MB is not one of the tiers (${costs.tiers.join(', ')})`);
    for (const worker of workers) {
      if (worker < 0 || worker >= next.tierOf.length) throw new Error(`--move: the plan has no worker ${worker}`);
      next.tierOf[worker] = tier;
    }
  }
  return next;
}

/** Per worker of the forecast: tier, tasks, first task, held (billed) and busy ms, least slack; most GB-s first. */
function printWorkers(costs: TaskCosts, { plan, estimate }: EstimatedPlan): void {
  const slack = startSlackMs(costs, plan, estimate);
  const tasksOf: number[][] = plan.tierOf.map(() => []);
  for (const task of estimate.runOrder) (tasksOf[plan.workerOf[task] as number] as number[]).push(task);
  const rows = tasksOf.flatMap((tasks, worker) => {
    if (tasks.length === 0) return [];
    const mb = costs.tiers[plan.tierOf[worker] as number] as number;
    const heldMs = (estimate.workerEndMs[worker] as number) - (estimate.workerBeginMs[worker] as number);
    const busyMs = tasks.reduce((sum, task) => sum + (estimate.finishMs[task] as number) - (estimate.startMs[task] as number), 0);
    const leastSlackMs = Math.min(...tasks.map((task) => slack[task] as number));
    return [{ worker, mb, tasks: tasks.length, first: costs.graph.ids[tasks[0] as number], heldMs, busyMs, leastSlackMs, gbs: (heldMs / 1000) * (mb / 1024) }];
  });
  rows.sort((a, b) => b.gbs - a.gbs);
  console.log('| worker | MB | tasks | first task | held ms | busy ms | least slack ms | GB-s |');
  console.log('| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |');
  for (const r of rows) console.log(`| ${r.worker} | ${r.mb} | ${r.tasks} | ${r.first} | ${r.heldMs.toFixed(0)} | ${r.busyMs.toFixed(0)} | ${r.leastSlackMs.toFixed(0)} | ${r.gbs.toFixed(2)} |`);
  console.log('');
}

let casesRun = 0;
for (const c of simulatedCases(values.workload, values.size, profile)) {
  if (values.case !== undefined && c.label !== values.case) continue;
  casesRun += 1;
  const { model, dag, estimator, platform } = c;
  const metadata = estimatorMetadata(estimator);
  const costs = predictTaskCosts(model, metadata, sla, tiers, platform);
  // uniform's plan with its forecast as nonuniform re-estimates it (optimize() set the park
  // thresholds from an estimate made before them).
  const uniform = estimated(costs, planUniformBest(costs, bestTierIndex(costs)).plan);
  console.log(`${c.label}, profile ${profile.name}, uniform on ${costs.tiers[bestTierIndex(costs)]} MB x ${uniform.estimate.workerCount}, seeds 1..${seeds}, medians\n`);
  if (values.workers) printWorkers(costs, uniform);
  console.log('| plan | forecast makespan / schedule / cost | simulated makespan / cost | cost / makespan against uniform (simulated) |');
  console.log('| --- | ---: | ---: | ---: |');
  let base: { ms: number; usd: number } | undefined;
  for (const move of [undefined, ...parseMoves(values.move)]) {
    const forecast = move === undefined ? uniform : estimated(costs, moved(costs, uniform.plan, move));
    const output = toPlanOutput(costs, forecast.plan);
    // As the planners return it: toPlanOutput's fields, planDag settling the rest.
    const plan = (await planDag(model, { name: 'tier-moves', plan: () => output }, { metadata, sla, tiers, platform })).plan;
    const runs = simulatePlanSeeds({ dag, profile, estimator }, plan, seeds, `${c.label} ${move?.label ?? 'uniform'}`);
    base ??= { ms: runs.makespanMs, usd: runs.costUsd };
    const { makespanMs, scheduleMs, costUsd } = forecast.estimate;
    const against = `${((1 - runs.costUsd / base.usd) * 100).toFixed(1)} % cheaper / ${(runs.makespanMs / base.ms).toFixed(3)}x`;
    console.log(`| ${move?.label ?? 'uniform'} | ${(makespanMs / 1000).toFixed(2)} s / ${(scheduleMs / 1000).toFixed(2)} s / $${costUsd.toFixed(5)} | ${(runs.makespanMs / 1000).toFixed(2)} s / $${runs.costUsd.toFixed(5)} | ${against} |`);
  }
  console.log('');
}
if (casesRun === 0) throw new Error(`--case: ${values.workload} has no case "${values.case}"`);
