/**
 * Re-planning points against mispredicted task times (issue 16 item 4), in the simulator (planned
 * mode, `aws` profile, paper sizes of `wukong bench`). Every task runs `--slowdown` times as long
 * as the planner predicts. Per workload and seed:
 *   right     the plan made knowing the slowdown, run on the slow tasks ("predicted right")
 *   slow      the plan made without knowing it, run on the slow tasks (no re-planning)
 *   barrier   the same plan, split at the re-planning points but not re-planned (the barrier's own cost)
 *   replan    the same plan, re-planned at each point with the compute times observed so far
 *   drift     the slow plan with a drift trigger instead of points (Plan.replanOnDrift: --drift-ratio,
 *             --drift-tasks): the tasks not started are re-planned once observed times drift
 *   lost = slow - right; recovered = (slow - replan) / lost, and (slow - drift) / lost.
 * The planner predicts from the simulator's own cost models (src/sim/estimator-metadata.ts), so
 * the slowdown is the only misprediction; transfers and start-ups come from the profile.
 *
 *   npm run build && node dist/bench/replan.js [--workloads tr,gemm,tsqr,svd] [--seeds 3] [--planner uniform]
 *     [--slowdown 3] [--stages 1] [--size paper]
 */
import { Dag } from '../src/dag/dag.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { DEFAULT_DRIFT_MIN_GAIN } from '../src/model/annotated-dag.js';
import { parseSla } from '../src/metadata/sla.js';
import { BUILTIN_PLANNERS } from '../src/plan/builtin-planners.js';
import { planDag } from '../src/plan/plan-dag.js';
import { evenReplanPoints } from '../src/plan/replan-phases.js';
import { driftFactor, replanIfFaster } from '../src/plan/replan.js';
import { DEFAULT_TIERS } from '../src/plan/tiers.js';
import { AWS_PROFILE } from '../src/cost/profile.js';
import { createCostModelEstimator } from '../src/sim/cost-model-estimator.js';
import { estimatorMetadata, slowedEstimator } from '../src/sim/estimator-metadata.js';
import { simulate } from '../src/sim/simulator.js';
import type { SimulatedPlan } from '../src/sim/simulation-types.js';
import { buildOpRegistry } from '../src/ops/user-ops.js';
import { benchCases, parseBenchSize, parseBenchWorkloads } from '../src/cli/bench-cases.js';
import { generateValidDag } from '../workloads/replay-runner.js';
import type { PlannedSimulationResult } from '../src/sim/planned-simulation.js';
import type { DagSpec } from '../src/model/dag-schema.js';
import { nonNegativeInt, nonNegativeNumber, parseBenchArgs, positiveInt, positiveNumber, usageError } from './bench-args.js';

const { values } = parseBenchArgs(
  'Re-planning points against mispredicted task times, in the simulator: every task runs --slowdown times as long as the planner predicts; compares the plan made knowing the slowdown, the plan without re-planning, with barriers only, re-planned at each point, and re-planned on drift.',
  {
    options: {
      workloads: { type: 'string', default: 'tr,gemm,tsqr,svd' },
      seeds: { type: 'string', default: '3' },
      planner: { type: 'string', default: 'uniform' },
      slowdown: { type: 'string', default: '3' },
      stages: { type: 'string', default: '1' },
      size: { type: 'string', default: 'paper' },
      'slow-ops': { type: 'string' },
      // The drift trigger of the "drift" column (Plan.replanOnDrift): re-plan what has not started once
      // observed / predicted over at least --drift-tasks finished tasks reaches --drift-ratio.
      'drift-ratio': { type: 'string', default: '1.5' },
      'drift-tasks': { type: 'string', default: '1' },
      'drift-min-gain': { type: 'string' },
      // --stages-dag 16x100x4: also a synthetic DAG of 4 stages, each 16 tasks of 100 ms between joins.
      'stages-dag': { type: 'string' },
    },
  },
  { notes: { 'slow-ops': 'every op', 'drift-min-gain': "the planners' default" } },
);
const seeds = positiveInt(values.seeds, '--seeds');
const slowdown = positiveNumber(values.slowdown, '--slowdown');
const stages = nonNegativeInt(values.stages, '--stages');
const replanOnDrift = { ratio: positiveNumber(values['drift-ratio'], '--drift-ratio'), minTasks: positiveInt(values['drift-tasks'], '--drift-tasks'), ...(values['drift-min-gain'] === undefined ? {} : { minGain: nonNegativeNumber(values['drift-min-gain'], '--drift-min-gain') }) };
// --slow-ops a,b: only tasks of these ops run slower (default: every task).
const slowOps = values['slow-ops'] === undefined ? undefined : new Set(values['slow-ops'].split(','));
const algorithm = BUILTIN_PLANNERS[values.planner];
if (!algorithm) usageError(`unknown planner ${values.planner}`);
const sla = parseSla('median');
const platform = { profile: AWS_PROFILE, store: 'redis' as const };
const context = { tiers: DEFAULT_TIERS, platform };

/**
 * `WIDTHxMSxSTAGES`: a join task, then STAGES times WIDTH parallel `synthetic.work` tasks of MS ms
 * and a join: a DAG whose best worker count depends on the task times (unlike the paper workloads
 * above, whose plans do not change with a uniform slowdown).
 */
function stagesDag(shape: string): DagSpec {
  const [width, ms, stageCount] = shape.split('x').map(Number) as [number, number, number];
  if (![width, ms, stageCount].every((v) => Number.isInteger(v) && v > 0)) throw new Error(`--stages-dag ${shape}: give WIDTHxMSxSTAGES, e.g. 16x100x4`);
  const work = (id: string, taskMs: number, deps: string[]) => ({ id, op: 'synthetic.work', args: { ms: taskMs, outputBytes: 8 }, ...(deps.length > 0 ? { deps } : {}) });
  const tasks = [work('j0', 1, [])];
  for (let stage = 1; stage <= stageCount; stage += 1) {
    const ids = Array.from({ length: width }, (_, i) => `t${stage}-${i}`);
    for (const id of ids) tasks.push(work(id, ms, [`j${stage - 1}`]));
    tasks.push(work(`j${stage}`, 1, ids));
  }
  return { name: `stages-${shape}`, tasks };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);

console.log(`profile aws, planner ${algorithm.name}, ${slowOps ? `tasks of ${[...slowOps].join(', ')}` : 'tasks'} ${slowdown}x slower than predicted, ${stages} re-planning point(s) per run, seeds 1..${seeds}; medians\n`);
console.log(`drift: the slow plan with a drift trigger instead of points (ratio ${replanOnDrift.ratio}, after ${replanOnDrift.minTasks} task(s), min gain ${replanOnDrift.minGain ?? DEFAULT_DRIFT_MIN_GAIN}); fired: median ms of the trigger; kept: seeds where the plan was kept\n`);
console.log('| workload | tasks | points | right | slow | barrier | replan | lost | recovered | replans | planner wall | drift | recovered (drift) | fired |');
console.log('| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const cases: { label: string; spec: DagSpec }[] = benchCases(parseBenchWorkloads(values.workloads), parseBenchSize(values.size, 'sim', '--size')).map((c) => ({ label: c.label, spec: generateValidDag(c.workload, c.params) }));
for (const shape of values['stages-dag']?.split(',') ?? []) cases.push({ label: `stages-${shape}`, spec: stagesDag(shape) });
for (const c of cases) {
  const spec = c.spec;
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const truth = createCostModelEstimator(model, buildOpRegistry(), AWS_PROFILE);
  const factorOf = (id: string) => (slowOps === undefined || slowOps.has(model.task(id).op) ? slowdown : 1);
  const slow = slowedEstimator(truth, factorOf);
  const predicted = estimatorMetadata(truth);
  const plan = async (knowsSlowdown: boolean, replanAfter?: readonly string[]) =>
    (await planDag(model, algorithm, { metadata: knowsSlowdown ? estimatorMetadata(slow) : predicted, sla, tiers: DEFAULT_TIERS, platform, ...(replanAfter ? { replanAfter } : {}) })).plan;
  const points = evenReplanPoints(model, stages);
  const right = await plan(true);
  const wrong = await plan(false);
  const wrongWithPoints = await plan(false, points);
  const wrongWithDrift: SimulatedPlan = { ...wrong, replanOnDrift };
  const run = (p: SimulatedPlan, seed: number, replan: boolean) => {
    const result = simulate({
      dag,
      wukong: DEFAULT_WUKONG_OPTIONS,
      profile: AWS_PROFILE,
      estimator: slow,
      seed,
      memoryMb: 3008,
      storeKind: 'redis',
      plan: p,
      ...(replan ? { replanner: (request) => replanIfFaster(algorithm, model, request, { metadata: predicted, sla, context }), drift: (observed) => driftFactor(model, observed, predicted, sla) } : {}),
    }) as PlannedSimulationResult;
    if (!result.report.ok) throw new Error(`${c.label}: ${result.report.failure?.message}`);
    return result;
  };
  const m = { right: [] as number[], slow: [] as number[], barrier: [] as number[], replan: [] as number[], wall: [] as number[], drift: [] as number[], fired: [] as number[] };
  let replans = 0;
  // Seeds where the trigger fired but the re-planner kept the plan (not forecast minGain faster).
  let kept = 0;
  for (let seed = 1; seed <= seeds; seed += 1) {
    m.right.push(run(right, seed, false).report.makespanMs);
    m.slow.push(run(wrong, seed, false).report.makespanMs);
    m.barrier.push(run(wrongWithPoints, seed, false).report.makespanMs);
    const replanned = run(wrongWithPoints, seed, true);
    m.replan.push(replanned.report.makespanMs);
    m.wall.push(replanned.planned.replanWallMs);
    replans = replanned.planned.replans;
    const drifted = run(wrongWithDrift, seed, true);
    m.drift.push(drifted.report.makespanMs);
    m.fired.push(drifted.planned.driftReplanAtMs ?? NaN);
    if (drifted.planned.driftReplanAtMs !== undefined && drifted.planned.replans === 0) kept += 1;
  }
  const [r, sl, b, rp] = [median(m.right), median(m.slow), median(m.barrier), median(m.replan)];
  const lost = sl - r;
  const recoveredBy = (ms: number) => (lost > 0 ? `${(((sl - ms) / lost) * 100).toFixed(0)} %` : '- (nothing lost)');
  const d = median(m.drift);
  const fired = (m.fired.some(Number.isNaN) ? `${m.fired.filter((f) => !Number.isNaN(f)).length} of ${seeds} fired` : s(median(m.fired))) + (kept > 0 ? `, kept ${kept} of ${seeds}` : '');
  console.log(`| ${c.label} | ${spec.tasks.length} | ${points.join(', ') || '-'} | ${s(r)} | ${s(sl)} | ${s(b)} | ${s(rp)} | ${s(lost)} | ${recoveredBy(rp)} | ${replans} | ${median(m.wall).toFixed(0)} ms | ${s(d)} | ${recoveredBy(d)} | ${fired} |`);
}
