/**
 * Per-task overhead of the embedded backend vs Dask distributed, on 10,000 no-op tasks shaped as
 * (a) a chain, (b) one fan-out to ~10,000 then one fan-in, (c) a binary tree reduction.
 *
 *   npm run build && node dist/bench/overhead.js [--tasks 10000] [--workers 2] [--no-dask] [--tiny]
 *
 * --tiny runs 200 tasks a shape (a CI smoke test). Target (issue 20): dask/wukong >= 30 on every shape.
 *
 * --dag <file> [--repeat 3] runs a DAG file instead of the shapes (no Dask), each run on the same
 * warmed threads, for the CPU columns below on a real workload, e.g. the scaling bench's TR large:
 * `node bin/wukong.js generate tr --size large -o tr-large.json && node dist/bench/overhead.js --dag tr-large.json --workers 1`.
 *
 * Dask runs under /usr/bin/python3 (Debian python3-distributed): LocalCluster with the same
 * number of worker processes, one thread each. Overhead per task = wall time / tasks, since the
 * tasks do no work (synthetic.work with ms 0).
 *
 * Beside each wukong figure: the CPU per task of the main thread (the client, the pool and the
 * memory stores the threads reach through it) over the whole run, and within the makespan, from
 * the first invocation to the last output (./main-cpu-sampler.ts: before it the client sets the
 * run up, after it the client reads the reports and cleans up, off every thread's way), and of the
 * rest of the process (the executor threads, and V8's helpers). The main thread serves every
 * executor thread, so on any number of cores a run of small tasks takes at least its CPU within the
 * makespan: executor CPU / that bounds the speed-up that more threads can give such a DAG (Linux
 * only; elsewhere "-").
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { DagSpec, TaskSpec } from '../src/model/dag-schema.js';
import { DagValidationError, validateDag } from '../src/dag/validate.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import { openEmbedded, type EmbeddedBackend } from '../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../src/runtime/store-config.js';
import { threadCpuMsOf } from '../src/runtime/embedded/thread-cpu-clock.js';
import { MainCpuSampler } from './main-cpu-sampler.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const noop = (id: string, deps: string[] = []): TaskSpec => ({ id, op: 'synthetic.work', args: { ms: 0, outputBytes: 8 }, ...(deps.length ? { deps } : {}) });

export function chainDag(n: number): DagSpec {
  return { name: `chain-${n}`, tasks: Array.from({ length: n }, (_, i) => noop(`t${i}`, i === 0 ? [] : [`t${i - 1}`])) };
}

export function fanDag(n: number): DagSpec {
  const width = n - 2;
  const middle = Array.from({ length: width }, (_, i) => noop(`m${i}`, ['src']));
  return { name: `fan-${n}`, tasks: [noop('src'), ...middle, noop('sink', middle.map((t) => t.id))] };
}

export function treeDag(n: number): DagSpec {
  const leaves = Math.floor((n + 1) / 2);
  const tasks: TaskSpec[] = [];
  let level: string[] = [];
  for (let i = 0; i < leaves; i += 1) {
    tasks.push(noop(`l${i}`));
    level.push(`l${i}`);
  }
  for (let depth = 1; level.length > 1; depth += 1) {
    const next: string[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) {
      const id = `r${depth}-${j / 2}`;
      tasks.push(noop(id, [level[j] as string, level[j + 1] as string]));
      next.push(id);
    }
    if (level.length % 2 === 1) next.push(level[level.length - 1] as string);
    level = next;
  }
  return { name: `tree-${n}`, tasks };
}

interface Row {
  shape: string;
  tasks: number;
  wukongMs: number;
  /** CPU of the main thread over the run (undefined where the host does not tell it). */
  mainCpuMs?: number;
  /** CPU of the main thread from the run's start (its first invocation) to its last output: the makespan's span. */
  mainToFinishCpuMs?: number;
  /** CPU of the rest of the process over the run: the executor threads (and V8's helpers). */
  threadsCpuMs?: number;
  daskMs?: number;
}

interface WukongRun {
  readonly wukongMs: number;
  readonly mainCpuMs?: number;
  readonly mainToFinishCpuMs?: number;
  readonly threadsCpuMs?: number;
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

async function runWukong(spec: DagSpec, backend: EmbeddedBackend, sampler?: MainCpuSampler): Promise<WukongRun> {
  const dag = runDagFromSpec(spec);
  // The main thread's id is the process id on Linux.
  const mainBefore = threadCpuMsOf(process.pid);
  const processBefore = processCpuMs() - (sampler?.ownCpuMs() ?? 0);
  const outcome = await backend.run({ spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 600_000 });
  const mainAfter = threadCpuMsOf(process.pid);
  const processMs = processCpuMs() - (sampler?.ownCpuMs() ?? 0) - processBefore;
  if (!outcome.ok) throw new Error(`${spec.name} failed: ${outcome.failure?.message}`);
  const wukongMs = outcome.finishedAt - outcome.startedAt;
  if (mainBefore === undefined || mainAfter === undefined) return { wukongMs };
  const mainAtStart = sampler?.cpuAt(outcome.startedAt);
  const mainAtFinish = sampler?.cpuAt(outcome.finishedAt);
  return {
    wukongMs,
    mainCpuMs: mainAfter - mainBefore,
    ...(mainAtStart === undefined || mainAtFinish === undefined ? {} : { mainToFinishCpuMs: mainAtFinish - mainAtStart }),
    threadsCpuMs: processMs - (mainAfter - mainBefore),
  };
}

function runDask(tasks: number, workers: number): Map<string, number> | string {
  const script = fileURLToPath(new URL('../../bench/dask_overhead.py', import.meta.url));
  const result = spawnSync('/usr/bin/python3', [script, String(tasks), String(workers)], { encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) return `dask unavailable (${(result.stderr || result.error?.message || '').trim().split('\n').pop()}); install: apt-get install python3-distributed`;
  const times = new Map<string, number>();
  for (const line of result.stdout.trim().split('\n')) {
    const row = JSON.parse(line) as { shape: string; seconds: number };
    times.set(row.shape, row.seconds * 1000);
  }
  return times;
}

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    'Per-task overhead of the embedded backend vs Dask distributed, on no-op tasks shaped as a chain, one fan-out then one fan-in, and a binary tree reduction (--tiny: 200 tasks a shape).',
    {
      options: {
        tasks: { type: 'string', default: '10000' },
        workers: { type: 'string' },
        'no-dask': { type: 'boolean', default: false },
        tiny: { type: 'boolean', default: false },
        dag: { type: 'string' },
        repeat: { type: 'string', default: '3' },
      },
    },
    { notes: { workers: 'the core count', dag: 'the three synthetic shapes' } },
  );
  const tasks = values.tiny ? 200 : positiveInt(values.tasks, '--tasks');
  const workers = values.workers === undefined ? cpus().length : positiveInt(values.workers, '--workers');
  const shapes: [string, DagSpec][] = values.dag
    ? dagFileRuns(values.dag, positiveInt(values.repeat, '--repeat'))
    : [
        ['chain', chainDag(tasks)],
        ['fan', fanDag(tasks)],
        ['tree', treeDag(tasks)],
      ];
  // One set of executor threads for every shape, warmed by a first run, so that thread start-up
  // and V8's compiling of fresh threads are not billed to the shapes: Dask's one LocalCluster,
  // warmed too, runs all three shapes on the same worker processes.
  const backend = await openEmbedded({ threads: workers, stores: MEMORY_STORES, invokeConcurrency: 64 });
  const sampler = new MainCpuSampler();
  const rows: Row[] = [];
  try {
    await runWukong(treeDag(255), backend);
    for (const [shape, spec] of shapes) rows.push({ shape, tasks: spec.tasks.length, ...(await runWukong(spec, backend, sampler)) });
  } finally {
    await sampler.close();
    await backend.close();
  }
  const dask = values.dag ? 'Dask: not run for a DAG file' : values['no-dask'] ? 'skipped (--no-dask)' : runDask(tasks, workers);
  const what = values.dag ? `${values.dag}, ${shapes.length} runs` : `${tasks} no-op tasks`;
  console.log(`per-task overhead, ${what}, ${workers} executor threads / Dask worker processes (1 thread each), ${cpus().length} cores`);
  console.log('shape   tasks   wukong total   wukong/task   dask total   dask/task   dask/wukong   main CPU/task   in the makespan   threads CPU/task   threads/main');
  for (const row of rows) {
    const daskMs = typeof dask === 'string' ? undefined : dask.get(row.shape);
    const perW = (row.wukongMs * 1000) / row.tasks;
    const perD = daskMs === undefined ? undefined : (daskMs * 1000) / row.tasks;
    console.log(
      [
        row.shape.padEnd(6),
        String(row.tasks).padStart(6),
        `${row.wukongMs.toFixed(0)} ms`.padStart(14),
        `${perW.toFixed(1)} us`.padStart(13),
        (daskMs === undefined ? '-' : `${daskMs.toFixed(0)} ms`).padStart(12),
        (perD === undefined ? '-' : `${perD.toFixed(1)} us`).padStart(11),
        (perD === undefined ? '-' : `${(perD / perW).toFixed(1)}x`).padStart(13),
        ...cpuColumns(row),
      ].join(' '),
    );
  }
  if (typeof dask === 'string') console.log(dask);
}

/** A DAG file, validated against the built-in ops, as `repeat` runs (run1, run2, ...). */
function dagFileRuns(path: string, repeat: number): [string, DagSpec][] {
  if (!Number.isInteger(repeat) || repeat < 1) throw new Error(`--repeat must be a positive integer, got ${repeat}`);
  const validation = validateDag(JSON.parse(readFileSync(path, 'utf8')), createBuiltinRegistry());
  if (!validation.ok) throw new DagValidationError(validation.problems);
  return Array.from({ length: repeat }, (_, i) => [`run${i + 1}`, validation.spec]);
}

/**
 * Main-thread CPU per task (the whole run, and up to its last output) and executor-thread CPU per
 * task, and their ratio to the last output (the speed-up bound above).
 */
function cpuColumns(row: Row): string[] {
  if (row.mainCpuMs === undefined || row.threadsCpuMs === undefined) return ['-'.padStart(15), '-'.padStart(16), '-'.padStart(18), '-'.padStart(14)];
  const perTask = (ms: number) => `${((ms * 1000) / row.tasks).toFixed(1)} us`;
  const toFinish = row.mainToFinishCpuMs;
  return [
    perTask(row.mainCpuMs).padStart(15),
    (toFinish === undefined ? '-' : perTask(toFinish)).padStart(16),
    perTask(row.threadsCpuMs).padStart(18),
    (toFinish === undefined ? '-' : `${(row.threadsCpuMs / toFinish).toFixed(1)}x`).padStart(14),
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
