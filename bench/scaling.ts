/**
 * How the embedded backend scales with threads: makespan of TR, GEMM and TSQR at 1, 2, 4, ... up
 * to the core count, with the speedup over one thread, in one run.
 *
 *   npm run build && node dist/bench/scaling.js [--size large] [--max-threads N] [--repeats 1] [--tiny]
 *
 * Each point is `wukong replay <workload> --size <size> --workers N --no-metadata --json` in a
 * fresh process (so every run starts cold, as a user's would), and its median makespan over
 * `repeats` runs; the replay also verifies the result numerically and the bench fails if it does
 * not. --size is a replay size name (small, medium, large). --tiny = --size small --max-threads 2,
 * for a CI smoke test. Large sizes take minutes at 1 thread: TR large is 32,767 tasks, GEMM large
 * n = 4096 in 1024-blocks, TSQR large 524288 x 64.
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const WORKLOADS = ['tr', 'gemm', 'tsqr'] as const;
const CLI = fileURLToPath(new URL('../../bin/wukong.js', import.meta.url));

interface Point {
  readonly tasks: number;
  readonly makespanMs: number;
}

function replay(workload: string, size: string, threads: number, repeats: number): Point {
  const args = [CLI, 'replay', workload, '--size', size, '--workers', String(threads), '--no-metadata', '--json', '--repeat', String(repeats)];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`wukong ${args.slice(1).join(' ')} exited ${result.status}: ${result.stderr.trim()}`);
  const report = JSON.parse(result.stdout) as { tasks: number; medianMakespanMs: number; ok: boolean };
  if (!report.ok) throw new Error(`wukong ${args.slice(1).join(' ')}: the result did not verify`);
  return { tasks: report.tasks, makespanMs: report.medianMakespanMs };
}

/** 1, 2, 4, ... below `max`, then `max` itself. */
export function threadCounts(max: number): number[] {
  const counts: number[] = [];
  for (let n = 1; n < max; n *= 2) counts.push(n);
  counts.push(max);
  return counts;
}

function main(): void {
  const { values } = parseBenchArgs(
    'How the embedded backend scales with threads: makespan of TR, GEMM and TSQR at 1, 2, 4, ... up to the core count, with the speedup over one thread, in one run.',
    {
      options: {
        size: { type: 'string', default: 'large' },
        'max-threads': { type: 'string' },
        repeats: { type: 'string', default: '1' },
        tiny: { type: 'boolean', default: false },
      },
    },
    { notes: { 'max-threads': 'the core count' } },
  );
  const size = values.tiny ? 'small' : values.size;
  const maxThreads = values.tiny ? Math.min(2, cpus().length) : values['max-threads'] === undefined ? cpus().length : positiveInt(values['max-threads'], '--max-threads');
  const repeats = positiveInt(values.repeats, '--repeats');
  const counts = threadCounts(maxThreads);
  console.log(`embedded backend scaling, size ${size}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), node ${process.version}; median of ${values.repeats} run(s) a point`);
  console.log(`${'workload'.padEnd(9)} ${'tasks'.padStart(6)}  ${counts.map((n) => `${n} thr`.padStart(19)).join('')}`);
  for (const workload of WORKLOADS) {
    const points = counts.map((threads) => replay(workload, size, threads, repeats));
    const base = points[0]!.makespanMs;
    const cells = points.map((p) => `${(p.makespanMs / 1000).toFixed(2).padStart(8)} s ${(base / p.makespanMs).toFixed(2).padStart(6)}x`.padStart(19));
    console.log(`${workload.padEnd(9)} ${String(points[0]!.tasks).padStart(6)}  ${cells.join('')}`);
  }
  console.log('each cell: makespan, speedup over 1 thread');
}

main();
