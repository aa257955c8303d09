/**
 * Accuracy of the metadata predictor (issue #5 item 4): for each replay workload, run two sizes
 * on the embedded backend recording metadata to a fresh temporary store, predict every task of a
 * third size from that history (static task descriptors, median SLA), run the third size, and
 * print per-workload errors of execution time and output size.
 *
 *   npm run build && node dist/bench/metadata-accuracy.js [--mode interpolate|extrapolate|both] [--repeats 3] [--threads 2] [--only gemm,tsqr]
 *
 * interpolate: history at the smallest and largest size, target the middle one;
 * extrapolate: history at the two smaller sizes, target the largest.
 * Targets of the issue: exec-time median APE <= 25 %, output-size error <= 10 %.
 * The sizes change the block shapes, so most target task keys were never recorded: those tasks
 * are answered by the same-op power law (source `op`), which this table is about.
 */
import { cpus, loadavg } from 'node:os';
import { findWorkload } from '../workloads/index.js';
import { measureAccuracy, type AccuracyRow } from './metadata-accuracy-measure.js';
import { RecordedWorkloadRuns } from './recorded-workload-run.js';
import { parseBenchArgs, positiveInt, usageError } from './bench-args.js';

/** Three sizes per workload, smallest first; each changes the block shape, not the DAG's structure. */
export const ACCURACY_SIZES: Readonly<Record<string, readonly [Record<string, number>, Record<string, number>, Record<string, number>]>> = {
  tr: [
    { elements: 32, delayMs: 20 },
    { elements: 64, delayMs: 20 },
    { elements: 128, delayMs: 20 },
  ],
  gemm: [
    { n: 256, block: 128 },
    { n: 384, block: 192 },
    { n: 512, block: 256 },
  ],
  tsqr: [
    { rows: 8192, cols: 64, blockRows: 1024 },
    { rows: 12_288, cols: 64, blockRows: 1536 },
    { rows: 16_384, cols: 64, blockRows: 2048 },
  ],
  svd: [
    { rows: 8192, cols: 64, blockRows: 1024 },
    { rows: 12_288, cols: 64, blockRows: 1536 },
    { rows: 16_384, cols: 64, blockRows: 2048 },
  ],
  'svd-square': [
    { n: 256, block: 128, rank: 5 },
    { n: 384, block: 192, rank: 5 },
    { n: 512, block: 256, rank: 5 },
  ],
  svc: [
    { samples: 8000, chunkRows: 2000, testSamples: 4000, rounds: 3 },
    { samples: 12_000, chunkRows: 3000, testSamples: 6000, rounds: 3 },
    { samples: 16_000, chunkRows: 4000, testSamples: 8000, rounds: 3 },
  ],
};

const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

function sources(counts: AccuracyRow['execSources']): string {
  return Object.entries(counts)
    .map(([source, n]) => `${source}:${n}`)
    .join(' ');
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    'Accuracy of the metadata predictor: for each replay workload, run two sizes on the embedded backend recording metadata, predict every task of a third size from that history, run the third size, and print per-workload errors of execution time and output size.',
    {
      options: {
        mode: { type: 'string', default: 'interpolate' },
        threads: { type: 'string', default: '2' },
        repeats: { type: 'string', default: '3' },
        only: { type: 'string' },
      },
    },
    { notes: { mode: 'interpolate, extrapolate or both; default interpolate', only: 'all replay workloads' } },
  );
  const modes = values.mode === 'both' ? ['interpolate', 'extrapolate'] : [values.mode];
  if (!modes.every((m) => m === 'interpolate' || m === 'extrapolate')) usageError(`--mode must be interpolate, extrapolate or both, got ${values.mode}`);
  const threads = positiveInt(values.threads, '--threads');
  const repeats = positiveInt(values.repeats, '--repeats');
  const names = values.only ? values.only.split(',') : Object.keys(ACCURACY_SIZES);
  console.log(
    `metadata predictor accuracy, embedded backend, ${threads} threads, ${repeats} runs of each size, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0]?.toFixed(1)} at start`,
  );
  console.log('APE = absolute percentage error; MdAPE: median over tasks; WAPE: sum of |errors| / sum of recorded values');
  console.log('out hist: output MdAPE without the static output shapes (history models alone)');
  console.log("recorded exec time of a task: median of its repeats; noise: MdAPE of one repeat against the others' median (the floor)");
  for (const mode of modes) {
    console.log(`\n${mode}: ${mode === 'interpolate' ? 'history = sizes 1 and 3, target = size 2' : 'history = sizes 1 and 2, target = size 3'}`);
    console.log(
      `${'workload'.padEnd(11)} ${'tasks'.padStart(5)} ${'seen'.padStart(5)} ${'exec MdAPE'.padStart(10)} ${'exec WAPE'.padStart(9)} ${'out MdAPE'.padStart(9)} ${'out WAPE'.padStart(8)} ${'out hist'.padStart(8)} ${'noise'.padStart(6)}  exec sources / output sources`,
    );
    for (const name of names) {
      const workload = findWorkload(name);
      const sizes = ACCURACY_SIZES[name];
      if (!workload || !sizes) throw new Error(`unknown workload ${name}`);
      const [small, middle, large] = sizes;
      const runs = await RecordedWorkloadRuns.create(threads);
      try {
        const row = await measureAccuracy(runs, {
          workload,
          history: mode === 'interpolate' ? [small, large] : [small, middle],
          target: mode === 'interpolate' ? middle : large,
          repeats,
        });
        console.log(
          `${row.workload.padEnd(11)} ${String(row.tasks).padStart(5)} ${String(row.keysSeen).padStart(5)} ${percent(row.execMdApe).padStart(10)} ${percent(row.execWape).padStart(9)} ${percent(row.outputMdApe).padStart(9)} ${percent(row.outputWape).padStart(8)} ${percent(row.outputMdApeHistoryOnly).padStart(8)} ${(row.repeatNoise === undefined ? '-' : percent(row.repeatNoise)).padStart(6)}  ${sources(row.execSources)} / ${sources(row.outputSources)}`,
        );
      } finally {
        await runs.dispose();
      }
    }
  }
}

await main();
