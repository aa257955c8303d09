/**
 * What the client's start-up prewarms (Plan.prewarmAtStart) do to `uniform` and `nonuniform` plans,
 * and to a what-if plan that moves every producer-invoked worker of uniform's plan to one lower tier
 * (`--move-to`), in the simulator: `aws` profile (or --profile), paper sizes of `wukong bench` (or
 * --size), seeds 1..N, medians. "prewarm" lists every worker a producer invokes (not a start
 * worker): the client sends one prewarm Invoke for each after its start calls, so those workers can
 * start warm on the idle environments of their tier instead of cold; "none" runs the plan without
 * any (whatever its planner set). The forecast column is the shared estimator's for that variant
 * (src/plan/start-prewarms.ts models the prewarms); "planner's" is how many the planner set.
 *
 *   npm run build && node dist/bench/start-prewarm.js [--workloads svd-square,svc] [--seeds 3] [--size paper] [--profile aws] [--move-to 1024]
 */
import type { Plan } from '../src/model/annotated-dag.js';
import { parseSla } from '../src/metadata/sla.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { planDag } from '../src/plan/plan-dag.js';
import { estimatePlan } from '../src/plan/plan-estimate.js';
import { fromPlanOutput } from '../src/plan/compact-plan.js';
import { predictTaskCosts } from '../src/plan/task-costs.js';
import { DEFAULT_TIERS, parseTiers, workerSpecOfTier } from '../src/plan/tiers.js';
import { estimatorMetadata } from '../src/sim/estimator-metadata.js';
import { benchProfile, median, simulatedCases, simulatePlanSeeds } from './plan-sims.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  "What the client's start-up prewarms do to `uniform` and `nonuniform` plans, and to a what-if plan that moves uniform's producer-invoked workers to one lower tier (--move-to), in the simulator (seeds 1..N, medians).",
  { options: { workloads: { type: 'string', default: 'svd-square,svc' }, seeds: { type: 'string', default: '3' }, size: { type: 'string', default: 'paper' }, profile: { type: 'string', default: 'aws' }, tiers: { type: 'string' }, 'move-to': { type: 'string' } } },
  { notes: { tiers: "the planners' default tiers" } },
);
const profile = benchProfile(values.profile);
const seeds = positiveInt(values.seeds, '--seeds');
const tiers = values.tiers === undefined ? DEFAULT_TIERS : parseTiers(values.tiers);
const moveTo = values['move-to'] === undefined ? undefined : positiveInt(values['move-to'], '--move-to');
if (moveTo !== undefined && !tiers.includes(moveTo)) throw new Error(`--move-to: ${moveTo} MB is not one of the tiers (${tiers.join(', ')})`);
const sla = parseSla('median');

/** Workers whose first task has a parent: a producer invokes them (the ones a prewarm can serve). */
function producerInvoked(plan: Plan, parentsOf: (id: string) => readonly string[]): number[] {
  const first = new Map<number, string>();
  const sorted = Object.entries(plan.tasks).sort(([, a], [, b]) => (a.order ?? 0) - (b.order ?? 0));
  for (const [id, task] of sorted) if (!first.has(task.worker)) first.set(task.worker, id);
  return [...first].filter(([, id]) => parentsOf(id).length > 0).map(([worker]) => worker);
}

console.log(`profile ${profile.name}, tiers ${tiers.join(', ')} MB, seeds 1..${seeds}, medians${moveTo === undefined ? '' : `; "moved": uniform's producer-invoked workers on ${moveTo} MB`}\n`);
console.log("| workload | plan | planner's | prewarms | forecast | simulated makespan | cost | cold starts of producer-invoked workers |");
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const c of simulatedCases(values.workloads, values.size, profile)) {
  const { model, dag, estimator, platform } = c;
  const parentsOf = (id: string) => model.parents(id);
  const costs = predictTaskCosts(model, estimatorMetadata(estimator), sla, tiers, platform);
  const plans: [string, Plan][] = [];
  for (const name of ['uniform', 'nonuniform']) {
    plans.push([name, (await planDag(model, BUILTIN_PLANNERS[name] as NonNullable<(typeof BUILTIN_PLANNERS)[string]>, { metadata: estimatorMetadata(estimator), sla, tiers, platform })).plan]);
  }
  if (moveTo !== undefined) {
    const uniform = (plans[0] as [string, Plan])[1];
    const workers = { ...uniform.workers };
    for (const worker of producerInvoked(uniform, parentsOf)) workers[String(worker)] = workerSpecOfTier(moveTo);
    plans.push(['moved', { ...uniform, workers, predicted: undefined, prewarmAtStart: undefined }]);
  }
  for (const [name, base] of plans) {
    const invoked = producerInvoked(base, parentsOf);
    for (const prewarm of [false, true]) {
      const { prewarmAtStart: planners, ...withoutPrewarms } = base;
      const plan: Plan = prewarm ? { ...withoutPrewarms, prewarmAtStart: invoked } : withoutPrewarms;
      const runs = simulatePlanSeeds({ dag, profile, estimator }, plan, seeds, `${c.label} ${name}`);
      const invokedSet = new Set(invoked);
      const cold = runs.reports.map((report) => report.executors.filter((e) => e.cold && e.worker !== undefined && invokedSet.has(e.worker) && e.tasks.length > 0).length);
      const estimate = estimatePlan(costs, fromPlanOutput(costs, plan));
      const forecast = `${(estimate.makespanMs / 1000).toFixed(2)} s / $${estimate.costUsd.toFixed(5)}`;
      console.log(`| ${c.label} | ${name} | ${planners?.length ?? 0} | ${prewarm ? invoked.length : 0} | ${forecast} | ${(runs.makespanMs / 1000).toFixed(2)} s | $${runs.costUsd.toFixed(5)} | ${median(cold)} of ${invoked.length} |`);
    }
  }
}
