/**
 * `nonuniform` against `uniform` (issue 16: >= 15 % cheaper at no longer makespan on at least two
 * workloads), in the simulator: `aws` profile (or --profile aws-blas), paper sizes of `wukong bench` (or --size), seeds
 * 1..N, medians. Both planners predict from the simulator's own cost models
 * (src/sim/estimator-metadata.ts), so the comparison is of their choices, not of history.
 *
 * Tiers: the planners' defaults (src/plan/tiers.ts DEFAULT_TIERS: 1,024, 1,769 and 3,008 MB), or
 * --tiers (10,240 MB, where aws-blas's multi-threaded kernels run faster, or tiers below 1,024 MB).
 *
 *   npm run build && node dist/bench/tier-savings.js [--workloads tr,gemm,tsqr,svd,svd-square,svc] [--seeds 3] [--size paper] [--profile aws] [--tiers 1024,1769,3008,10240]
 */
import { parseSla } from '../src/metadata/sla.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { planDag } from '../src/plan/plan-dag.js';
import { DEFAULT_TIERS, parseTiers } from '../src/plan/tiers.js';
import { estimatorMetadata } from '../src/sim/estimator-metadata.js';
import { benchProfile, simulatedCases, simulatePlanSeeds } from './plan-sims.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values } = parseBenchArgs(
  '`nonuniform` against `uniform` in the simulator (seeds 1..N, medians): is nonuniform >= 15 % cheaper at no longer makespan on at least two workloads?',
  { options: { workloads: { type: 'string', default: 'tr,gemm,tsqr,svd,svd-square,svc' }, seeds: { type: 'string', default: '3' }, size: { type: 'string', default: 'paper' }, profile: { type: 'string', default: 'aws' }, tiers: { type: 'string' } } },
  { notes: { tiers: "the planners' default tiers" } },
);
const profile = benchProfile(values.profile);
const seeds = positiveInt(values.seeds, '--seeds');
const tiers = values.tiers === undefined ? DEFAULT_TIERS : parseTiers(values.tiers);
const sla = parseSla('median');

console.log(`profile ${profile.name}, tiers ${tiers.join(', ')} MB, seeds 1..${seeds}, medians\n`);
console.log('| workload | uniform | nonuniform | nonuniform tiers (MB x workers) | cost saving | makespan |');
console.log('| --- | ---: | ---: | --- | ---: | ---: |');
let met = 0;
for (const c of simulatedCases(values.workloads, values.size, profile)) {
  const { model, dag, estimator, platform } = c;
  const result: Record<string, { ms: number; cost: number; tiers: string }> = {};
  for (const name of ['uniform', 'nonuniform']) {
    const plan = (await planDag(model, BUILTIN_PLANNERS[name] as NonNullable<(typeof BUILTIN_PLANNERS)[string]>, { metadata: estimatorMetadata(estimator), sla, tiers, platform })).plan;
    const runs = simulatePlanSeeds({ dag, profile, estimator }, plan, seeds, `${c.label} ${name}`);
    const byTier = new Map<number, number>();
    for (const w of Object.values(plan.workers)) byTier.set(w.memoryMb, (byTier.get(w.memoryMb) ?? 0) + 1);
    result[name] = { ms: runs.makespanMs, cost: runs.costUsd, tiers: [...byTier].sort(([a], [b]) => a - b).map(([mb, n]) => `${mb}x${n}`).join(',') };
  }
  const u = result.uniform as { ms: number; cost: number };
  const n = result.nonuniform as { ms: number; cost: number; tiers: string };
  const saving = 1 - n.cost / u.cost;
  if (saving >= 0.15 && n.ms <= u.ms) met += 1;
  const f = (m: { ms: number; cost: number }) => `${(m.ms / 1000).toFixed(2)} s / $${m.cost.toFixed(5)}`;
  console.log(`| ${c.label} | ${f(u)} | ${f(n)} | ${n.tiers} | ${(saving * 100).toFixed(1)} % | ${(n.ms / u.ms).toFixed(3)}x |`);
}
console.log(`\ngoal (nonuniform >= 15 % cheaper at no longer makespan): met on ${met} workload(s), 2 needed`);
