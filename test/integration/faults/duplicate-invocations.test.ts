import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { buildRunReport } from '../../../src/report/run-report.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { randomPlan, seededRandom } from '../../helpers/random-plan.js';
import { layeredDag } from './fault-dags.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * At-least-once delivery (issue #10, item 2): Lambda may deliver an async invocation twice. Here
 * about half the invocations of a run are delivered twice, in WUKONG mode and in planned mode
 * (plans with dup on every task, too): the outputs equal the sequential reference, every fan-in
 * fires its child (once per delivery of the completing parent; the duplicate computes the same
 * bits), and the report counts every task and executor once.
 */
async function runWithDuplicates(seed: number, plan: ((spec: ReturnType<typeof layeredDag>) => Plan) | undefined) {
  const spec = layeredDag(seed, 4, 5, 2, seed % 2 === 0 ? 300_000 : 64);
  const dag = runDagFromSpec(spec);
  const random = seededRandom(seed * 104_729);
  const twice = new Set<string>();
  const outcome = await runEmbedded(
    { spec: { dag: spec, wukong: { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 100_000 }, progressIntervalMs: 0, ...(plan ? { plan: plan(spec) } : {}) }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
    {
      threads: 2,
      stores: MEMORY_STORES,
      invokeConcurrency: 8,
      deliverTwice: (executorId) => {
        const yes = random() < 0.5;
        if (yes) twice.add(executorId);
        return yes;
      },
    },
  );
  return { spec, dag, outcome, twice };
}

describe('duplicate invocations (at-least-once delivery)', () => {
  const modes = {
    wukong: undefined,
    planned: (spec: ReturnType<typeof layeredDag>) => randomPlan(runDagFromSpec(spec), spec.tasks.map((t) => t.id), 7, { workers: 4 }),
    'planned, dup on every task': (spec: ReturnType<typeof layeredDag>) => randomPlan(runDagFromSpec(spec), spec.tasks.map((t) => t.id), 11, { workers: 3, dupAll: true }),
  };
  for (const [mode, plan] of Object.entries(modes)) {
    for (const seed of [1, 2]) {
      it(`${mode}: identical outputs and no double counting [seed ${seed}]`, async () => {
        // Act
        const { spec, dag, outcome, twice } = await runWithDuplicates(seed, plan);
        // Assess
        expect(outcome.failure).toBeUndefined();
        expect(twice.size).toBeGreaterThan(0);
        await expectReferenceOutputs(dag, outcome.outputs);
        const ids = outcome.executors.map((e) => e.executorId);
        expect(new Set(ids).size).toBe(ids.length);
        const report = buildRunReport({
          runId: outcome.runId,
          dagName: spec.name ?? 'layered',
          backend: 'embedded',
          planner: plan ? 'random' : 'wukong',
          options: {},
          ok: outcome.ok,
          failure: outcome.failure,
          startedAt: outcome.startedAt,
          finishedAt: outcome.finishedAt,
          executors: outcome.executors,
          costMemoryMb: 1769,
        });
        expect(report.summary.tasks).toBe(spec.tasks.length);
        console.log(`[duplicate-invocations] ${mode} seed ${seed}: ${twice.size} of ${report.summary.invocations}+ invocations delivered twice, ok`);
      });
    }
  }
});
