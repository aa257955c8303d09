import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDagFromSpec } from '../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../src/model/wukong-options.js';
import { AWS_PROFILE } from '../../src/cost/profile.js';
import { simulate } from '../../src/sim/simulator.js';
import { createDagTaskEstimator } from '../../src/sim/task-estimates.js';
import { combinationLabel, everyOptimizationCombination } from '../helpers/optimization-combinations.js';
import { arbitrarySyntheticDag } from '../helpers/random-dags.js';

/**
 * Random DAGs of synthetic.work tasks whose outputs (10, 700 or 5,000 bytes) straddle the inline
 * budget (500) and the large threshold (1,000) below.
 */
const arbitrarySpec = (maxTasks: number) => arbitrarySyntheticDag(maxTasks, [10, 700, 5000]);

const COMBINATIONS = everyOptimizationCombination({ ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 1000, inlineBudgetBytes: 500 });

describe('simulate: random DAGs under every WUKONG optimization combination (AWS profile, random latencies)', () => {
  for (const wukong of COMBINATIONS) {
    it(`every task runs once after its parents end, every fan-in completes once, every output is reported [${combinationLabel(wukong)}]`, () => {
      fc.assert(
        fc.property(
          arbitrarySpec(200),
          fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          fc.constantFrom(1, 3, 1000),
          fc.constantFrom<'redis' | 's3'>('redis', 's3'),
          (spec, seed, accountConcurrency, storeKind) => {
            // Prepare: a small concurrency limit makes invocations queue and reuse environments
            const dag = runDagFromSpec(spec);
            const profile = { ...AWS_PROFILE, lambda: { ...AWS_PROFILE.lambda, accountConcurrency } };
            const runs = new Map<string, number>();
            const completions = new Map<string, number>();
            // Act
            const { report, stats, outputsReadyAt } = simulate({
              dag,
              wukong,
              profile,
              estimator: createDagTaskEstimator(dag, profile),
              seed,
              memoryMb: 1769,
              storeKind,
              validateEveryStep: true,
              observer: {
                instruction: (_at, _executor, instruction) => {
                  if (instruction.type === 'run') runs.set(instruction.taskId, (runs.get(instruction.taskId) ?? 0) + 1);
                },
                event: (_at, _executor, event) => {
                  if (event.type === 'fan-in-marked' && event.complete) completions.set(event.childId, (completions.get(event.childId) ?? 0) + 1);
                },
              },
            });
            // Assess
            expect(report.ok, report.failure?.message).toBe(true);
            const timing = new Map(report.tasks.map((t) => [t.taskId, t]));
            expect(report.tasks).toHaveLength(spec.tasks.length);
            for (const { id } of spec.tasks) {
              expect(runs.get(id), `runs of ${id}`).toBe(1);
              const mine = timing.get(id);
              for (const parent of dag.parents(id)) expect(mine?.startAt, `${id} starts after ${parent} ends`).toBeGreaterThanOrEqual(timing.get(parent)?.endAt as number);
              if (dag.parents(id).length > 1) expect(completions.get(id), `fan-in ${id}`).toBe(1);
            }
            expect(stats.fanInCompletions).toBe(spec.tasks.filter((t) => (t.deps?.length ?? 0) > 1).length);
            const sinks = spec.tasks.filter((t) => dag.children(t.id).length === 0).map((t) => t.id);
            expect([...outputsReadyAt.keys()].sort()).toEqual(sinks.sort());
            expect(report.makespanMs).toBe(Math.max(...outputsReadyAt.values()));
            expect(report.makespanMs).toBeGreaterThanOrEqual(stats.lowerBoundMs);
            expect(stats.maxConcurrentExecutions).toBeLessThanOrEqual(accountConcurrency);
          },
        ),
        { numRuns: 60 },
      );
    });
  }
});
