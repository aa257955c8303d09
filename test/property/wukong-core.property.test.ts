import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_WUKONG_OPTIONS } from '../../src/model/wukong-options.js';
import { graphOf, interleavedRun, referenceValue, type ParentMap } from '../helpers/interleaved-run.js';
import { combinationLabel, everyOptimizationCombination } from '../helpers/optimization-combinations.js';
import { earlierDeps } from '../helpers/random-dags.js';

/** Random multi-level DAGs: each task depends on 0..4 earlier tasks (so acyclic by construction). */
export const arbitraryDag = (maxTasks: number) =>
  fc
    .array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: maxTasks })
    .map((rows) => {
      const parents: ParentMap = {};
      rows.forEach((picks, index) => {
        parents[`t${index}`] = earlierDeps(index, picks);
      });
      return parents;
    });

const COMBINATIONS = everyOptimizationCombination({ ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 1000, inlineBudgetBytes: 500 });

describe('WUKONG scheduler core, randomly interleaved (pure)', () => {
  for (const options of COMBINATIONS) {
    it(`every task runs once after its deps, every fan-in fires once, outputs match the reference [${combinationLabel(options)}]`, () => {
      fc.assert(
        fc.property(arbitraryDag(120), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.constantFrom(10, 700, 5000), { minLength: 1, maxLength: 30 }), (parents, seed, sizes) => {
          // Prepare: output sizes straddle the inline budget (500) and the large threshold (1000)
          const graph = graphOf(parents);
          const sizeOf = (id: string) => sizes[Number(id.slice(1)) % sizes.length] as number;
          // Act
          const result = interleavedRun(graph, options, seed, sizeOf);
          // Assess
          expect(result.failures).toEqual([]);
          for (const id of graph.tasks) expect(result.runs.get(id), `runs of ${id}`).toBe(1);
          const position = new Map(result.runOrder.map((id, i) => [id, i]));
          for (const id of graph.tasks) for (const p of graph.parents(id)) expect(position.get(p)).toBeLessThan(position.get(id) as number);
          for (const id of graph.tasks) {
            if (graph.parents(id).length > 1) expect(result.fanInCompletions.get(id), `fan-in ${id}`).toBe(1);
          }
          const memo = new Map<string, string>();
          for (const id of graph.tasks) expect(result.values.get(id)).toBe(referenceValue(graph, id, memo));
          const sinks = graph.tasks.filter((id) => graph.children(id).length === 0);
          expect([...result.outputsReady].sort()).toEqual(sinks.sort());
        }),
        { numRuns: 150 },
      );
    });
  }

  it('delayed I/O uploads less than no optimizations on wide fan-ins of large outputs', () => {
    const parents: ParentMap = {};
    for (let i = 0; i < 16; i += 1) parents[`l${i}`] = [];
    for (let i = 0; i < 8; i += 1) parents[`m${i}`] = [`l${2 * i}`, `l${2 * i + 1}`];
    parents.root = Array.from({ length: 8 }, (_, i) => `m${i}`);
    const graph = graphOf(parents);
    const base = { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 1000, inlineBudgetBytes: 500 };
    let putsNone = 0;
    let putsDelayed = 0;
    for (let seed = 1; seed <= 50; seed += 1) {
      putsNone += interleavedRun(graph, { ...base, fanOutClustering: false, fanInClustering: false, delayedIo: false }, seed, () => 5000).puts;
      putsDelayed += interleavedRun(graph, { ...base, fanOutClustering: false, fanInClustering: false, delayedIo: true }, seed, () => 5000).puts;
    }
    expect(putsDelayed).toBeLessThan(putsNone);
  });
});
