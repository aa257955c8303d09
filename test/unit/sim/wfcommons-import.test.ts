import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateDag } from '../../../src/dag/validate.js';
import { BadInputError } from '../../../src/model/errors.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { importWfCommons } from '../../../src/sim/wfcommons-import.js';
import { simulateSpec } from './sim-dags.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/wfcommons/${name}`, import.meta.url), 'utf8'));
const depsOf = (spec: { tasks: { id: string; deps?: string[] }[] }) => Object.fromEntries(spec.tasks.map((t) => [t.id, [...(t.deps ?? [])].sort()]));

describe('importWfCommons', () => {
  it('converts a 1.4 instance (workflow.tasks, files with link): tasks, edges, times, output bytes', () => {
    // Act
    const result = importWfCommons(fixture('blast-1.4.json'));
    // Assess
    expect(result.layout).toBe('tasks');
    expect(result.spec.name).toBe('blast-small');
    expect(result.tasks).toBe(5);
    expect(result.edges).toBe(6);
    expect(depsOf(result.spec)).toEqual({
      split_fasta_00000001: [],
      blastall_00000002: ['split_fasta_00000001'],
      blastall_00000003: ['split_fasta_00000001'],
      blastall_00000004: ['split_fasta_00000001'],
      // One parent was named by its `id` (00000004): resolved through the alias.
      cat_blast_00000005: ['blastall_00000002', 'blastall_00000003', 'blastall_00000004'],
    });
    const split = result.spec.tasks[0];
    expect(split).toMatchObject({
      op: 'synthetic.work',
      args: { ms: 1500, outputBytes: 3_000_000, mode: 'sleep' },
      hints: { durationMs: 1500, outputBytes: 3_000_000 },
    });
    expect(result.spec.tasks.find((t) => t.id === 'blastall_00000002')?.args).toMatchObject({ ms: 4250, outputBytes: 250_000 });
  });

  it('converts a 1.5 instance (specification + execution) and applies the time and bytes scales', () => {
    const result = importWfCommons(fixture('montage-1.5.json'), { timeScale: 0.5, bytesScale: 0.001 });
    expect(result.layout).toBe('specification+execution');
    expect(result.tasks).toBe(7);
    expect(result.edges).toBe(9);
    expect(depsOf(result.spec).mBackground_ID0000005).toEqual(['mBgModel_ID0000004', 'mProject_ID0000001']);
    expect(depsOf(result.spec).mAdd_ID0000007).toEqual(['mBackground_ID0000005', 'mBackground_ID0000006']);
    // mDiffFit: 2.2 s x 0.5; its outputs fit.txt (2,000) + diff.fits (3,000,000) bytes x 0.001.
    expect(result.spec.tasks.find((t) => t.id === 'mDiffFit_ID0000003')?.args).toEqual({ ms: 1100, outputBytes: 3002, mode: 'sleep' });
    expect(result.withoutRuntime).toBe(0);
  });

  it('produces DAGs that validate and simulate; the makespan covers the critical path', () => {
    for (const name of ['blast-1.4.json', 'montage-1.5.json']) {
      const { spec } = importWfCommons(fixture(name));
      const validation = validateDag(spec, createBuiltinRegistry());
      expect(validation.ok, name).toBe(true);
      const { report, stats } = simulateSpec(spec);
      expect(report.ok, name).toBe(true);
      expect(report.summary.tasks).toBe(spec.tasks.length);
      expect(report.makespanMs).toBeGreaterThan(stats.lowerBoundMs);
    }
    // blast: 1.5 s + the slowest search (5 s) + the merge (2 s).
    expect(simulateSpec(importWfCommons(fixture('blast-1.4.json')).spec).stats.lowerBoundMs).toBe(8500);
  });

  it('reads the pre-1.4 `jobs` layout with `runtime`, unions parents and children, and cleans ids', () => {
    const result = importWfCommons({
      name: 'old',
      schemaVersion: '1.2',
      workflow: {
        jobs: [
          { name: 'a job#1', runtime: 2, children: ['b'] },
          { name: 'b', runtime: 1, files: [{ name: 'x', size: 10, link: 'output' }] },
          { name: 'a job_1', runtime: 3, parents: ['b'] },
        ],
      },
    });
    expect(result.spec.tasks.map((t) => t.id)).toEqual(['a_job_1', 'b', 'a_job_1_2']);
    expect(depsOf(result.spec)).toEqual({ a_job_1: [], b: ['a_job_1'], a_job_1_2: ['b'] });
    expect(result.spec.tasks[1]?.args).toMatchObject({ ms: 1000, outputBytes: 10 });
  });

  it('clamps times beyond synthetic.work maximum and counts them', () => {
    const result = importWfCommons({ name: 'long', workflow: { tasks: [{ name: 't', runtimeInSeconds: 5000 }] } });
    expect(result.spec.tasks[0]?.args).toMatchObject({ ms: 900_000 });
    expect(result.clampedDurations).toBe(1);
  });

  it('rejects what is not an instance, unknown references, and missing files, naming them', () => {
    expect(() => importWfCommons({ tasks: [] })).toThrow(BadInputError);
    expect(() => importWfCommons({ name: 'x', workflow: { tasks: [{ name: 'a', parents: ['ghost'] }] } })).toThrow(/"a" refers to "ghost"/);
    expect(() =>
      importWfCommons({ name: 'x', workflow: { specification: { tasks: [{ id: 'a', outputFiles: ['f'] }], files: [] } } }),
    ).toThrow(/outputs file "f"/);
    expect(() => importWfCommons({ name: 'x', workflow: { tasks: [{ name: 'a', parents: ['a'] }] } })).toThrow(/depends on itself/);
    expect(() => importWfCommons({ name: 'x', workflow: { tasks: [{ name: 'a' }] } }, { timeScale: -1 })).toThrow(/time scale/);
  });
});
