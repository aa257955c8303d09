/**
 * The SVD2 DAG with A's blocks as leaves, as the paper's example builds A (`da.random.random`):
 * our svd-square computes each block from small factors (known-spectrum-matrix.ts) so that the
 * result can be checked, which starts A's blocks only after Ω's. Here every `a-i-j` becomes a
 * `matrix.fill` leaf of the same shape (an op other than Ω's `matrix.random`, as Dask's key
 * prefixes differ, so delayed I/O's co-parent guard treats the pair as the original does); the
 * factor tasks drop out. `--omega last` lists Ω's blocks after A's, so the client starts them last
 * (the original starts leaves in the order of its update_graph walk, A and Ω interleaved).
 * For simulation only: the outputs are no longer an SVD of anything checked.
 *
 *   npm run build && node dist/bench/svd2-leaf-inputs.js [--n 50000] [--block 5000] [--omega first|last] [-o svd2-leaf.json]
 *
 * It generates svd-square as `bench --paper` does (powerIterations 0, rank 5) at --n / --block,
 * rewrites it, and writes it to -o (without -o: prints only the summary line).
 */
import { writeFileSync } from 'node:fs';
import type { TaskSpec } from '../src/model/dag-schema.js';
import { generateValidDag } from '../workloads/replay-runner.js';
import { resolveParams, WORKLOADS } from '../workloads/index.js';
import { parseBenchArgs, positiveInt, usageError } from './bench-args.js';

const { values } = parseBenchArgs(
  "The SVD2 DAG with A's blocks as leaves (`matrix.fill`), as the paper's example builds A, written as a DAG spec.",
  {
    options: { n: { type: 'string', default: '50000' }, block: { type: 'string', default: '5000' }, omega: { type: 'string', default: 'first' }, output: { type: 'string', short: 'o' } },
  },
  { notes: { output: 'stdout' } },
);
if (values.omega !== 'first' && values.omega !== 'last') usageError(`--omega must be first or last, got ${values.omega}`);
const svdSquare = WORKLOADS.find((w) => w.name === 'svd-square');
if (!svdSquare) throw new Error('no svd-square workload');
// The SoCC'20 example's parameters, as bench --paper runs it (src/cli/bench-paper.ts).
const params = resolveParams(svdSquare, { size: values.n, block: positiveInt(values.block, '--block'), overrides: { powerIterations: 0, rank: 5 } });
const dag = generateValidDag(svdSquare, params);
if (dag.outputs === undefined) throw new Error('expected the outputs svd-square names');
const outputs = dag.outputs;
const isBlockOfA = (id: string) => /^a-\d+-\d+$/.test(id);
const isOmega = (id: string) => /^omega-\d+$/.test(id);
/** b_i, the rows of Ω's block i (A_ij is b_i x b_j). */
const omegaRows = (i: string) => {
  const rows = dag.tasks.find((t) => t.id === `omega-${i}`)?.args?.rows;
  if (typeof rows !== 'number') throw new Error(`no Ω block ${i}`);
  return rows;
};
const leaf = (t: TaskSpec): TaskSpec => {
  const [, i, j] = t.id.split('-') as [string, string, string];
  return { id: t.id, op: 'matrix.fill', args: { rows: omegaRows(i), cols: omegaRows(j), value: 1 } };
};
const tasks = dag.tasks.map((t) => (isBlockOfA(t.id) ? leaf(t) : t));

// Keep what the outputs still need (the factors of A drop out).
const byId = new Map(tasks.map((t) => [t.id, t]));
const needed = new Set(outputs.map((ref) => ref.split('#')[0] as string));
for (const pending = [...needed]; pending.length > 0; ) {
  for (const dep of byId.get(pending.pop() as string)?.deps ?? []) {
    const id = dep.split('#')[0] as string;
    if (needed.has(id)) continue;
    needed.add(id);
    pending.push(id);
  }
}
const kept = tasks.filter((t) => needed.has(t.id));
const blocks = kept.filter((t) => isBlockOfA(t.id));
const omegas = kept.filter((t) => isOmega(t.id));
const rest = kept.filter((t) => !isBlockOfA(t.id) && !isOmega(t.id));
const ordered = values.omega === 'last' ? [...blocks, ...omegas, ...rest] : [...omegas, ...blocks, ...rest];
if (values.output !== undefined) writeFileSync(values.output, JSON.stringify({ ...dag, name: `${dag.name}-leaf-a-omega-${values.omega}`, tasks: ordered }));
console.log(`${values.output === undefined ? 'built' : `wrote ${values.output}`}: ${ordered.length} tasks (${blocks.length} leaf blocks of A, Ω ${values.omega})`);
