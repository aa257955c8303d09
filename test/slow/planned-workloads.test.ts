import { describe, expect, it } from 'vitest';
import { Dag } from '../../src/dag/dag.js';
import { planFor } from '../../src/cli/planned-input.js';
import { PlannerOptionsSchema } from '../../src/plan/planner-options.js';
import { MEMORY_STORES } from '../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../src/model/wukong-options.js';
import { resolveParams, WORKLOADS } from '../../workloads/index.js';
import { generateValidDag, runReplay } from '../../workloads/replay-runner.js';

/**
 * Issue #6's "done when": every planner runs every replay workload correctly on the embedded
 * backend. Each workload is planned (no history: hints and defaults), run in planned mode on real
 * threads, and checked by the workload's own numerical verifier.
 */
const PLANNERS = ['uniform', 'nonuniform', 'heft', 'random', './workloads/planners/round-robin.js'];

describe('every planner runs every replay workload (embedded, small sizes)', () => {
  for (const workload of WORKLOADS) {
    it(`${workload.name} verifies under ${PLANNERS.length} planners`, async () => {
      // Prepare
      // The pipeline at 5,000 rows: each planner's run stays a second or two (small is 50,000).
      const params = resolveParams(workload, { size: 'small', overrides: workload.name === 'pipeline' ? { rows: 5000 } : {} });
      const spec = generateValidDag(workload, params);
      for (const planner of PLANNERS) {
        const { plan, planner: name } = await planFor(Dag.fromSpec(spec), PlannerOptionsSchema.parse({ planner, maxWorkers: 4 }), undefined);
        expect(plan, planner).toBeDefined();
        // Act
        const { report, failure } = await runReplay({
          workload,
          params,
          spec,
          repeats: 1,
          threads: 2,
          stores: MEMORY_STORES,
          wukong: DEFAULT_WUKONG_OPTIONS,
          deadlineMs: 50_000,
          costMemoryMb: 1769,
          planner: name,
          ...(plan ? { plan } : {}),
        });
        // Assess
        expect(failure, `${workload.name} under ${planner}`).toBeUndefined();
        expect(report.verification.checks.filter((c) => !c.ok), `${workload.name} under ${planner}`).toEqual([]);
        expect(report.ok).toBe(true);
        const run = report.runs[0]!;
        expect(run.planner).toBe(name);
        // Every task ran on the worker the plan gave it (dups aside), exactly once.
        const own = run.executors.flatMap((e) => e.tasks.filter((t) => !t.dup).map((t) => ({ taskId: t.taskId, worker: e.worker })));
        expect(own.length, `${workload.name} under ${planner}`).toBe(spec.tasks.length);
        for (const { taskId, worker } of own) expect(worker).toBe(plan?.tasks[taskId]?.worker);
      }
    }, 120_000);
  }
});
