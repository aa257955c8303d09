/**
 * What the plans' park thresholds do in simulation: per bench workload and planner, how many tasks
 * park at once (threshold 0, src/plan/park-threshold.ts), the forecast, and over seeds 1..N the
 * simulated median makespan and cost and the parks per run, for the plan as planned and for the
 * same plan with its thresholds taken away (every task then parks at the run default, 500 ms:
 * the random plans before planDag gave them thresholds). With --alone, for each task that parks
 * at once, the same figures when it alone does (the others wait at the run default): what that
 * one park costs the run.
 *
 *   npm run build && node dist/bench/park-at-once.js [--size medium] [--profile aws-blas]
 *     [--seeds 101] [--only svd-square] [--planners random] [--alone]
 *
 * Simulated figures are virtual time: they do not depend on this machine's load. No history is read.
 */
import { Dag } from '../src/dag/dag.js';
import type { Plan } from '../src/model/annotated-dag.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { PlannerOptionsSchema } from '../src/plan/planner-options.js';
import { benchCases, BENCH_WORKLOADS, parseBenchSize, parseBenchWorkloads, splitList } from '../src/cli/bench-cases.js';
import { loadProfile } from '../src/cli/load-profile.js';
import { loadTaskCosts, simulatedPlatform } from '../src/cli/commands/simulate-task-costs.js';
import { planFor } from '../src/cli/planned-input.js';
import { generateValidDag } from '../workloads/replay-runner.js';
import { median, simulatePlanSeed } from './plan-sims.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  "What the plans' park thresholds do in simulation: per bench workload and planner, how many tasks park at once, the forecast, and the simulated median makespan, cost and parks per run over seeds 1..N, with and without the thresholds.",
  {
    options: {
      size: { type: 'string', default: 'medium' },
      profile: { type: 'string', default: 'aws-blas' },
      seeds: { type: 'string', default: '101' },
      only: { type: 'string' },
      planners: { type: 'string', default: 'random' },
      alone: { type: 'boolean', default: false },
    },
  },
  { notes: { only: 'every bench workload' } },
);
const size = parseBenchSize(values.size, 'sim', '--size');
const seeds = positiveInt(values.seeds, '--seeds');
const workloads = values.only === undefined ? [...BENCH_WORKLOADS] : parseBenchWorkloads(values.only);
const planners = splitList(values.planners, '--planners');

console.log(`park thresholds in simulation: size ${size}, profile ${values.profile}, store redis, seeds 1..${seeds}, no history; medians`);
console.log('case | planner | variant | tasks parking at once | forecast ms | makespan ms | cost $1e-4 | parks per run');
for (const c of benchCases(workloads, size)) {
  const spec = generateValidDag(c.workload, c.params);
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const costs = await loadTaskCosts(model, { metadata: false, profile: values.profile }, loadProfile);
  const simulated = (plan: Plan) => {
    const runs = Array.from({ length: seeds }, (_, i) => simulatePlanSeed({ dag, profile: costs.profile, estimator: costs.estimator }, plan, i + 1, c.label));
    return {
      makespanMs: median(runs.map((r) => r.report.makespanMs)),
      costUsd: median(runs.map((r) => r.report.summary.costUsd)),
      parksPerRun: runs.reduce((sum, r) => sum + r.planned.parks, 0) / runs.length,
    };
  };
  const row = (planner: string, variant: string, plan: Plan, atOnce: number | string, forecast?: number) => {
    const figures = simulated(plan);
    console.log(
      [c.label, planner, variant, atOnce, forecast === undefined ? '-' : forecast.toFixed(0), figures.makespanMs.toFixed(0), (figures.costUsd * 1e4).toFixed(2), figures.parksPerRun.toFixed(2)].join(' | '),
    );
  };
  for (const planner of planners) {
    const { plan } = await planFor(model, PlannerOptionsSchema.parse({ planner }), undefined, undefined, simulatedPlatform(costs, 'redis'));
    if (!plan) throw new Error(`${planner} made no plan for ${c.label}`);
    const atOnce = Object.entries(plan.tasks)
      .filter(([, task]) => task.parkAfterMs === 0)
      .map(([id]) => id);
    row(planner, 'as planned', plan, atOnce.length, plan.predicted?.makespanMs);
    const unset = withoutThresholds(plan);
    row(planner, 'no thresholds', unset, '-');
    if (!values.alone) continue;
    for (const id of atOnce) {
      const alone = structuredClone(unset);
      const task = alone.tasks[id];
      if (task) task.parkAfterMs = 0;
      row(planner, `only ${id} at once`, alone, 1);
    }
  }
}

/** The plan with no task's park threshold set: the run default applies to every task. */
function withoutThresholds(plan: Plan): Plan {
  const copy = structuredClone(plan);
  for (const task of Object.values(copy.tasks)) delete task.parkAfterMs;
  return copy;
}
