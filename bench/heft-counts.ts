/**
 * HEFT list schedules of one workload at several worker counts and tiers, each forecast by the
 * shared estimator (with its park thresholds, as the planners re-estimate them) and simulated
 * (seeds 1..N, medians), in the simulator's own pricing as bench/tier-savings.ts gives it. It shows
 * where the planners' candidate worker counts (heft.ts heftCandidateCounts: the DAG's width, a
 * quarter of it, 32, 4, 1) miss a plan that is both faster and cheaper: `uniform` keeps the
 * fastest of those candidates, so its plan, and the limit `nonuniform` must meet, depend on them.
 *
 *   npm run build && node dist/bench/heft-counts.js --workload svc --counts 13,40,51 [--tiers 1769] [--profile aws] [--seeds 3] [--size paper]
 */
import { parseSla } from '../src/metadata/sla.js';
import { estimated } from '../src/plan/algorithms/optimizations.js';
import { heftCandidateCounts, planHeftCompact } from '../src/plan/algorithms/heft.js';
import { toPlanOutput } from '../src/plan/compact-plan.js';
import { planDag } from '../src/plan/plan-dag.js';
import { bestTierIndex, predictTaskCosts } from '../src/plan/task-costs.js';
import { DEFAULT_TIERS, parseTiers } from '../src/plan/tiers.js';
import { estimatorMetadata } from '../src/sim/estimator-metadata.js';
import { benchProfile, simulatedCases, simulatePlanSeeds } from './plan-sims.js';
import { parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

const { values } = parseBenchArgs(
  "HEFT list schedules of one workload at several worker counts and tiers, each forecast by the shared estimator and simulated (seeds 1..N, medians), showing where the planners' candidate worker counts miss a faster and cheaper plan.",
  {
    options: {
      workload: { type: 'string', default: 'svc' },
      counts: { type: 'string' },
      tiers: { type: 'string' },
      seeds: { type: 'string', default: '3' },
      size: { type: 'string', default: 'paper' },
      profile: { type: 'string', default: 'aws' },
    },
  },
  { notes: { counts: "the planners' candidate counts", tiers: 'the tier uniform picks' } },
);
const profile = benchProfile(values.profile);
const seeds = positiveInt(values.seeds, '--seeds');
const sla = parseSla('median');

for (const c of simulatedCases(values.workload, values.size, profile)) {
  const { model, dag, estimator, platform } = c;
  const metadata = estimatorMetadata(estimator);
  const costs = predictTaskCosts(model, metadata, sla, DEFAULT_TIERS, platform);
  const tiers = values.tiers === undefined ? [costs.tiers[bestTierIndex(costs)] as number] : parseTiers(values.tiers);
  const counts = values.counts === undefined ? heftCandidateCounts(costs, undefined) : positiveIntList(values.counts, '--counts');
  console.log(`${c.label}, profile ${profile.name}, seeds 1..${seeds}, medians; the planners' candidate counts: ${heftCandidateCounts(costs, undefined).join(', ')}\n`);
  console.log('| tier MB | HEFT workers | forecast | simulated |');
  console.log('| ---: | ---: | ---: | ---: |');
  for (const tierMb of tiers) {
    const tier = costs.tiers.indexOf(tierMb);
    if (tier === -1) throw new Error(`--tiers: ${tierMb} MB is not one of the default tiers (${DEFAULT_TIERS.join(', ')})`);
    for (const workers of counts) {
      // The plan as a planner returns it; its forecast as nonuniform re-estimates uniform's (optimize()
      // set the park thresholds from an estimate made before them).
      const forecast = estimated(costs, planHeftCompact(costs, tier, workers).plan);
      const output = toPlanOutput(costs, forecast.plan);
      const plan = (await planDag(model, { name: `heft-${workers}`, plan: () => output }, { metadata, sla, tiers: DEFAULT_TIERS, platform })).plan;
      const runs = simulatePlanSeeds({ dag, profile, estimator }, plan, seeds, `${c.label} heft-${workers}`);
      const { makespanMs, costUsd, workerCount } = forecast.estimate;
      console.log(`| ${tierMb} | ${workers} (${workerCount} used) | ${(makespanMs / 1000).toFixed(2)} s / $${costUsd.toFixed(5)} | ${(runs.makespanMs / 1000).toFixed(2)} s / $${runs.costUsd.toFixed(5)} |`);
    }
  }
  console.log('');
}
