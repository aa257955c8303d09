import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, plan, simulate, submit } from '../../../src/api/index.js';
import { findWorkload } from '../../../workloads/index.js';
import { generateValidDag } from '../../../workloads/replay-runner.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';

/**
 * The library API treats table DAGs as the CLI does: sources checked before anything runs,
 * projections and filters pushed into the reads (unless `pushdown: false`), and `simulate`/`plan`
 * price table.read from its sources' shapes. Needs `npm run build` (submit's executor threads).
 */
const PARAMS = { rows: 3000, files: 2, topK: 5, seed: 7 };
let dataRoot: string;
let spec: DagSpec;

beforeAll(async () => {
  dataRoot = await mkdtemp(join(tmpdir(), 'wukong-api-tables-'));
  const pipeline = findWorkload('pipeline')!;
  await pipeline.prepareData!(PARAMS, { dataRoot });
  spec = generateValidDag(pipeline, PARAMS, { dataRoot });
});
afterAll(async () => {
  await rm(dataRoot, { recursive: true, force: true });
});

describe('the library API with table ops', () => {
  it('submit pushes down by default: it reads less of the sources than with pushdown off, same outputs', async () => {
    const pushed = await submit(spec, { threads: 2 });
    const asWritten = await submit(spec, { threads: 2, pushdown: false });
    expect(pushed.ok).toBe(true);
    expect(asWritten.ok).toBe(true);
    expect([...pushed.outputs.keys()].sort()).toEqual([...asWritten.outputs.keys()].sort());
    const sourceBytes = (r: typeof pushed) => r.report.summary.sourceBytes ?? 0;
    expect(sourceBytes(pushed)).toBeGreaterThan(0);
    expect(sourceBytes(pushed) * 2).toBeLessThan(sourceBytes(asWritten));
  });

  it('simulate prices the pushed-down DAG from its sources: it moves fewer bytes than the DAG as written', async () => {
    const pushed = await simulate(spec, { profile: 'aws' });
    const asWritten = await simulate(spec, { profile: 'aws', pushdown: false });
    expect(pushed.report.ok).toBe(true);
    const moved = (r: typeof pushed) => r.report.summary.bytesRead + r.report.summary.bytesWritten;
    expect(moved(pushed)).toBeLessThan(moved(asWritten));
    expect(pushed.report.makespanMs).toBeLessThan(asWritten.report.makespanMs);
  });

  it('plan returns the pushed-down DAG with its plan', async () => {
    const annotated = await plan(spec, { planner: 'uniform' });
    const read = (s: DagSpec) => s.tasks.find((t) => t.op === 'table.read')!;
    expect(JSON.stringify(read(annotated.dag).args)).not.toEqual(JSON.stringify(read(spec).args));
    expect(Object.keys(annotated.plan.tasks).sort()).toEqual(spec.tasks.map((t) => t.id).sort());
  });

  it('a missing source is bad input before anything runs', async () => {
    const missing = { ...spec, tasks: spec.tasks.map((t) => (t.op === 'table.read' ? { ...t, args: { ...t.args, source: join(dataRoot, 'nope.csv') } } : t)) };
    await expect(submit(missing, { threads: 1 })).rejects.toThrow(BadInputError);
    await expect(simulate(missing)).rejects.toThrow(BadInputError);
  });
});
