/**
 * Makespan of each built-in workload on the embedded backend (executor threads, in-memory
 * stores, WUKONG mode with all optimizations), with every result verified.
 *
 *   npm run build && node dist/bench/workloads.js [--size medium] [--repeats 3] [--workers N] [--only tr,gemm]
 *
 * Each workload runs `repeats` times in fresh thread pools; the table shows the median, min and
 * max makespan (client-observed, pool start-up excluded), and the last run's executors,
 * invocations and intermediate bytes written. A row whose verification fails is marked FAIL.
 */
import { cpus } from 'node:os';
import { MEMORY_STORES } from '../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import { findWorkload, resolveParams, WORKLOADS } from '../workloads/index.js';
import { generateValidDag, runReplay } from '../workloads/replay-runner.js';
import { parseBenchArgs, positiveInt } from './bench-args.js';

const MB = 1024 * 1024;

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    'Makespan of each built-in workload on the embedded backend (executor threads, in-memory stores, WUKONG mode with all optimizations), with every result verified.',
    {
      options: {
        size: { type: 'string', default: 'medium' },
        repeats: { type: 'string', default: '3' },
        workers: { type: 'string', default: String(cpus().length) },
        only: { type: 'string' },
      },
    },
    { notes: { workers: 'the core count', only: 'every workload' } },
  );
  const repeats = positiveInt(values.repeats, '--repeats');
  const threads = positiveInt(values.workers, '--workers');
  const names = values.only ? values.only.split(',') : WORKLOADS.map((w) => w.name);

  console.log(`workloads at --size ${values.size}, embedded backend, ${threads} threads, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}; median of ${repeats}`);
  console.log(
    `${'workload'.padEnd(11)} ${'tasks'.padStart(6)} ${'median ms'.padStart(10)} ${'min ms'.padStart(9)} ${'max ms'.padStart(9)} ${'executors'.padStart(9)} ${'written'.padStart(10)} ${'verify'.padStart(7)}  params`,
  );
  let failures = 0;
  for (const name of names) {
    const workload = findWorkload(name);
    if (!workload) throw new Error(`unknown workload ${name}`);
    const params = resolveParams(workload, { size: values.size });
    const { report, failure } = await runReplay({
      workload,
      params,
      spec: generateValidDag(workload, params),
      repeats,
      threads,
      stores: MEMORY_STORES,
      wukong: DEFAULT_WUKONG_OPTIONS,
      deadlineMs: 30 * 60_000,
      costMemoryMb: 1769,
    });
    if (failure) throw new Error(`${name}: run ${failure.runId} failed at ${failure.taskId}: ${failure.message}`);
    if (!report.ok) failures += 1;
    const last = report.runs.at(-1)!.summary;
    const ms = (x: number) => x.toFixed(1);
    console.log(
      [
        name.padEnd(11),
        String(report.tasks).padStart(6),
        ms(report.medianMakespanMs).padStart(10),
        ms(Math.min(...report.makespansMs)).padStart(9),
        ms(Math.max(...report.makespansMs)).padStart(9),
        String(last.executors).padStart(9),
        `${(last.bytesWritten / MB).toFixed(1)} MiB`.padStart(10),
        (report.ok ? 'ok' : 'FAIL').padStart(7),
        ` ${Object.entries(params).map(([k, v]) => `${k}=${v}`).join(' ')}`,
      ].join(' '),
    );
  }
  if (failures > 0) process.exitCode = 1;
}

await main();
