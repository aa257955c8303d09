/**
 * Plans and simulation agree (issue 15 item 7): every built-in planner on every bench workload,
 * planned for the simulated platform (the profile's transfers and start-ups, the simulator's own
 * task costs: op cost models at the profile's kernel rates) and then simulated in planned mode.
 * Prints the plan's predicted makespan, the simulated one (median over seeds 1..K), their ratio
 * and, for a gap over 10 %, the simulator's reason. The Done-when asks for every pair within 15 %.
 *
 *   npm run build && node dist/bench/plan-agreement.js [--size medium] [--profile aws] [--seeds 11]
 *     [--only tr,gemm] [--planners uniform,heft] [--check]
 *
 * --check exits 1 when a pair is off by more than --tolerance (default 0.15). Simulated figures
 * are virtual time: they do not depend on this machine's load. No history is read (--no-metadata).
 */
import { Dag } from '../src/dag/dag.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { PlannerOptionsSchema } from '../src/plan/planner-options.js';
import type { PlannedSimulationResult } from '../src/sim/planned-simulation.js';
import { explainPlanGap } from '../src/sim/plan-gap.js';
import { median } from '../src/metadata/statistics.js';
import { benchCases, BENCH_WORKLOADS, parseBenchSize, parseBenchWorkloads, splitList } from '../src/cli/bench-cases.js';
import { loadProfile } from '../src/cli/load-profile.js';
import { loadTaskCosts, simulatedPlatform } from '../src/cli/commands/simulate-task-costs.js';
import { planFor } from '../src/cli/planned-input.js';
import { generateValidDag } from '../workloads/replay-runner.js';
import { simulatePlanSeed } from './plan-sims.js';
import { nonNegativeNumber, parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  'Plans and simulation agree: every built-in planner on every bench workload, planned for the simulated platform and simulated in planned mode; prints predicted and simulated makespans (median over seeds 1..K), their ratio and the reason for a gap over 10 %.',
  {
    options: {
      size: { type: 'string', default: 'medium' },
      profile: { type: 'string', default: 'aws' },
      seeds: { type: 'string', default: '11' },
      only: { type: 'string' },
      planners: { type: 'string' },
      tolerance: { type: 'string', default: '0.15' },
      check: { type: 'boolean', default: false },
    },
  },
  { notes: { only: 'every bench workload', planners: 'every built-in planner' } },
);
const size = parseBenchSize(values.size, 'sim', '--size');
const seeds = positiveInt(values.seeds, '--seeds');
const tolerance = nonNegativeNumber(values.tolerance, '--tolerance');
const workloads = values.only === undefined ? [...BENCH_WORKLOADS] : parseBenchWorkloads(values.only);
const planners = values.planners === undefined ? Object.keys(BUILTIN_PLANNERS) : splitList(values.planners, '--planners');

console.log(`plan vs simulation: size ${size}, profile ${values.profile}, store redis, seeds 1..${seeds}, no history`);
console.log('case | planner | workers | predicted ms | simulated ms (median) | simulated / predicted | gap reason');
let worst = 0;
let outside = 0;
let pairs = 0;
for (const c of benchCases(workloads, size)) {
  const spec = generateValidDag(c.workload, c.params);
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const costs = await loadTaskCosts(model, { metadata: false, profile: values.profile }, loadProfile);
  if (pairs === 0) console.log(`task costs (${c.label}): ${costs.description}`);
  for (const planner of planners) {
    const { plan } = await planFor(model, PlannerOptionsSchema.parse({ planner }), undefined, undefined, simulatedPlatform(costs, 'redis'));
    if (!plan) throw new Error(`${planner} made no plan for ${c.label}`);
    const results: PlannedSimulationResult[] = [];
    for (let seed = 1; seed <= seeds; seed += 1) {
      results.push(simulatePlanSeed({ dag, profile: costs.profile, estimator: costs.estimator }, plan, seed, `${c.label} / ${planner}`));
    }
    const predicted = plan.predicted?.makespanMs ?? Number.NaN;
    const simulated = median(results.map((r) => r.report.makespanMs));
    const ratio = simulated / predicted;
    const lowerBound = results[0]?.stats.lowerBoundMs ?? 0;
    const gap = explainPlanGap(predicted, simulated, lowerBound, costs.description);
    pairs += 1;
    worst = Math.max(worst, Math.abs(ratio - 1));
    if (!(Math.abs(ratio - 1) <= tolerance)) outside += 1;
    const workers = Object.keys(plan.workers).length;
    console.log(`${c.label} | ${planner} | ${workers} | ${predicted.toFixed(1)} | ${simulated.toFixed(1)} | ${ratio.toFixed(3)} | ${gap ? gap.reason.slice(0, 120) : '-'}`);
  }
}
console.log(`${pairs} pairs, ${outside} outside +-${(tolerance * 100).toFixed(0)} %, worst ${(worst * 100).toFixed(1)} %`);
if (values.check && outside > 0) process.exitCode = 1;
