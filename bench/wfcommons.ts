/**
 * The planners on WfCommons instances (issue 16: the best planner within 1.10x of the
 * critical-path bound and no costlier than WUKONG mode on every instance), in the simulator
 * (planned and WUKONG mode, `aws` profile, seeds 1..3, medians). Each argument is a WfFormat
 * instance (e.g. from github.com/wfcommons/WfInstances), imported as `wukong import wfcommons` does.
 * The planners predict from the imported task times (src/sim/estimator-metadata.ts); transfers
 * and start-ups come from the profile. The bound is the simulator's critical path of task run
 * times (free transfers and start-ups). WUKONG mode runs on 3,008 MB functions, as in `wukong bench`.
 *
 *   npm run build && node dist/bench/wfcommons.js instance.json... [--seeds 3]
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { Dag } from '../src/dag/dag.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { parseSla } from '../src/metadata/sla.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { planDag } from '../src/plan/plan-dag.js';
import { DEFAULT_TIERS } from '../src/plan/tiers.js';
import { AWS_PROFILE } from '../src/cost/profile.js';
import { createDagTaskEstimator } from '../src/sim/task-estimates.js';
import { estimatorMetadata } from '../src/sim/estimator-metadata.js';
import { simulate } from '../src/sim/simulator.js';
import { importWfCommons } from '../src/sim/wfcommons-import.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const { values, positionals } = parseBenchArgs(
  'The planners on WfCommons instances (each argument a WfFormat JSON file), in the simulator (planned and WUKONG mode, `aws` profile, seeds 1..N, medians), against the critical-path bound.',
  { allowPositionals: true, options: { seeds: { type: 'string', default: '3' } } },
  { positionals: '<instance.json>...' },
);
const seeds = positiveInt(values.seeds, '--seeds');
const PLANNERS = ['uniform', 'nonuniform', 'heft'] as const;
const sla = parseSla('median');
const platform = { profile: AWS_PROFILE, store: 'redis' as const };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const figure = (m: { ms: number; cost: number }) => `${(m.ms / 1000).toFixed(1)} s / $${m.cost.toFixed(4)}`;

console.log(`profile aws, seeds 1..${seeds}, medians; makespan / cost\n`);
console.log(`| instance | tasks | bound | wukong | ${PLANNERS.join(' | ')} | best / bound | best cost / wukong |`);
console.log(`| --- | ---: | ---: | ---: | ${PLANNERS.map(() => '---:').join(' | ')} | ---: | ---: |`);
let met = 0;
for (const file of positionals) {
  const { spec } = importWfCommons(JSON.parse(await readFile(file, 'utf8')));
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const estimator = createDagTaskEstimator(dag, AWS_PROFILE);
  let boundMs = 0;
  const measure = async (planner: string | undefined) => {
    const plan = planner === undefined ? undefined : (await planDag(model, BUILTIN_PLANNERS[planner] as NonNullable<(typeof BUILTIN_PLANNERS)[string]>, { metadata: estimatorMetadata(estimator), sla, tiers: DEFAULT_TIERS, platform })).plan;
    const ms: number[] = [];
    const cost: number[] = [];
    for (let seed = 1; seed <= seeds; seed += 1) {
      const { report, stats } = simulate({ dag, wukong: DEFAULT_WUKONG_OPTIONS, profile: AWS_PROFILE, estimator, seed, memoryMb: 3008, storeKind: 'redis', ...(plan ? { plan } : {}) });
      if (!report.ok) throw new Error(`${file} ${planner ?? 'wukong'}: ${report.failure?.message}`);
      ms.push(report.makespanMs);
      cost.push(report.summary.costUsd);
      boundMs = stats.lowerBoundMs;
    }
    return { ms: median(ms), cost: median(cost) };
  };
  const wukong = await measure(undefined);
  const planned = [];
  for (const planner of PLANNERS) planned.push({ planner, ...(await measure(planner)) });
  const best = planned.reduce((a, b) => (b.ms < a.ms ? b : a));
  const ratio = best.ms / boundMs;
  const costRatio = best.cost / wukong.cost;
  if (ratio <= 1.1 && costRatio <= 1) met += 1;
  console.log(`| ${basename(file, '.json')} | ${spec.tasks.length} | ${(boundMs / 1000).toFixed(1)} s | ${figure(wukong)} | ${planned.map(figure).join(' | ')} | ${best.planner} ${ratio.toFixed(3)}x | ${costRatio.toFixed(2)}x |`);
}
console.log(`\ngoal (best planner <= 1.10x the bound, cost <= WUKONG's): met on ${met} of ${positionals.length} instances`);
