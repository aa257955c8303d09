import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { closestName } from '../../dag/closest-name.js';
import type { DagSpec } from '../../dag/schema.js';
import { DagValidationError, validateDag } from '../../dag/validate.js';
import type { Value } from '../../data/value.js';
import { BadInputError } from '../../errors.js';
import { createBuiltinRegistry } from '../../ops/builtins.js';
import { buildRunReport, type RunReport } from '../../report/run-report.js';
import { runEmbedded } from '../../runtime/embedded/embedded-backend.js';
import { RunFailedError } from '../../runtime/run-client.js';
import { runDagFromSpec } from '../../runtime/run-dag.js';
import { DEFAULT_INLINE_BUDGET_BYTES, DEFAULT_THRESHOLD_BYTES, parseWukongOptimizations, type WukongOptions } from '../../scheduler/wukong-options.js';
import { describeParams, findWorkload, resolveParams, WORKLOADS, type AnyWorkload, type VerifyResult } from '../../../workloads/index.js';
import { median, type ReplayReport } from '../../../workloads/replay-report.js';
import { VerificationFailedError } from '../../../workloads/verification-failed-error.js';
import { formatSummary } from '../format-summary.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';
import { ProgressLine } from '../progress-line.js';
import { storeConfigFromFlags, type StoreFlags } from '../store-flags.js';

interface ReplayFlags extends StoreFlags {
  list?: boolean;
  size?: string;
  block?: string;
  delayMs?: string;
  param: string[];
  planner: string;
  repeat: string;
  json?: boolean;
  saveDag?: string;
  workers?: string;
  wukongOpts: string;
  thresholdBytes?: string;
  inlineBudgetBytes?: string;
  report?: string;
  deadline: string;
  costMemoryMb: string;
}

/** Price embedded executors as 1,769 MB Lambdas (1 vCPU), as `submit` does. */
const DEFAULT_COST_MEMORY_MB = 1769;

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `wukong replay <workload>`: generate a seeded built-in workload, optionally save its DAG, run
 * it on the embedded backend `--repeat` times, verify the outputs numerically (recomputing the
 * inputs from the seeds), and print the median makespan and the verdict. Exit 0 verified, 1 run
 * or verification failed, 2 bad input. `--list` prints the workloads, parameters and task counts.
 */
export function registerReplayCommand(program: Command): void {
  program
    .command('replay')
    .description(`generate a built-in workload (${WORKLOADS.map((w) => w.name).join(', ')}), run it, and verify the result`)
    .argument('[workload]', 'workload name (see --list)')
    .option('--list', 'list the workloads, their parameters and task-count formulas')
    .option('--size <size>', 'small, medium or large (a preset), or a number for the main dimension')
    .option('--block <n>', 'block size (rows per block, block side or samples per chunk)')
    .option('--delay-ms <n>', 'tr only: sleep per reduction task, as in the paper')
    .option('--param <name=value>', 'set any workload parameter (repeatable; see --list)', collect, [])
    .option('--planner <name>', 'planning algorithm (wukong: no plan, executors decide as WUKONG does)', 'wukong')
    .option('--repeat <k>', 'runs to take the median makespan over', '1')
    .option('--json', 'print the result as one JSON object')
    .option('--save-dag <file>', 'write the generated DAG JSON (then run it)')
    .option('--workers <n>', 'executor threads (default: number of cores)')
    .option('--wukong-opts <list>', 'WUKONG optimizations: all, none, or a comma list of fanout-clustering, fanin-clustering, delayed-io', 'all')
    .option('--threshold-bytes <n>', `an output of at least this many bytes is large (default ${DEFAULT_THRESHOLD_BYTES})`)
    .option('--inline-budget-bytes <n>', `outputs up to this size travel inline in invocations (default ${DEFAULT_INLINE_BUDGET_BYTES})`)
    .option('--redis <url>', 'coordinate (and store intermediates, without --s3-bucket) in Redis')
    .option('--s3-bucket <name>', 'store intermediates in this S3 bucket (AWS_ENDPOINT_URL_S3 for a local server)')
    .option('--report <file>', 'write the replay report (JSON: makespans, checks, every run report)')
    .option('--deadline <duration>', 'fail a run that takes longer (e.g. 90s, 10m)', '30m')
    .option('--cost-memory-mb <mb>', 'memory to price embedded executors at', String(DEFAULT_COST_MEMORY_MB))
    .addHelpText('after', '\nExit status: 0 verified, 1 a run or the verification failed, 2 bad input.')
    .action(async (name: string | undefined, flags: ReplayFlags) => {
      if (flags.list) {
        process.stdout.write(flags.json ? `${JSON.stringify(listJson())}\n` : formatList());
        return;
      }
      await replay(requireWorkload(name), flags);
    });
}

function requireWorkload(name: string | undefined): AnyWorkload {
  const names = WORKLOADS.map((w) => w.name);
  if (name === undefined) throw new BadInputError(`name a workload (${names.join(', ')}) or use --list`);
  const workload = findWorkload(name);
  if (workload) return workload;
  const hint = closestName(name, names);
  throw new BadInputError(`unknown workload "${name}"${hint ? ` (did you mean ${hint}?)` : ''}; available: ${names.join(', ')}`);
}

function parseParams(workload: AnyWorkload, flags: ReplayFlags): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const pair of flags.param) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(pair.trim());
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(value)) throw new BadInputError(`--param must be name=number, got "${pair}"`);
    overrides[match[1]!] = value;
  }
  if (flags.delayMs !== undefined) {
    if (!('delayMs' in workload.paramsSchema.shape)) throw new BadInputError(`--delay-ms applies to tr only, not ${workload.name}`);
    overrides.delayMs = parseIntegerOption(flags.delayMs, '--delay-ms', 0);
  }
  const block = flags.block === undefined ? undefined : parseIntegerOption(flags.block, '--block', 0, 1);
  return resolveParams(workload, { ...(flags.size !== undefined ? { size: flags.size } : {}), ...(block !== undefined ? { block } : {}), overrides });
}

async function replay(workload: AnyWorkload, flags: ReplayFlags): Promise<void> {
  if (flags.planner !== 'wukong') throw new BadInputError(`unknown planner "${flags.planner}"; available: wukong`);
  const params = parseParams(workload, flags);
  const repeats = parseIntegerOption(flags.repeat, '--repeat', 1, 1);
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const costMemoryMb = parseIntegerOption(flags.costMemoryMb, '--cost-memory-mb', DEFAULT_COST_MEMORY_MB, 128);
  const wukong = wukongOptionsFromFlags(flags);
  const stores = storeConfigFromFlags(flags);

  const spec = workload.generate(params);
  // A generated DAG that fails validation is a generator bug; it still must not run.
  const validation = validateDag(spec, createBuiltinRegistry());
  if (!validation.ok) throw new DagValidationError(validation.problems);
  if (flags.saveDag) await writeFile(flags.saveDag, `${JSON.stringify(spec, null, 2)}\n`);
  const dag = runDagFromSpec(validation.spec);

  const runs: RunReport[] = [];
  let firstOutputs: Map<string, Value> | undefined;
  let differingRepeats = 0;
  for (let attempt = 0; attempt < repeats; attempt += 1) {
    const progress = new ProgressLine();
    const outcome = await runEmbedded(
      { spec: { dag: validation.spec, wukong, progressIntervalMs: progress.enabled ? 200 : 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs, onProgress: (p) => progress.update(p) },
      { threads, stores, invokeConcurrency: 64 },
    ).finally(() => progress.clear());
    const report = buildRunReport({
      runId: outcome.runId,
      dagName: spec.name ?? workload.name,
      backend: 'embedded',
      planner: 'wukong',
      options: { ...wukong, threads, stores: { coordinator: stores.coordinator.kind, intermediate: stores.intermediate.kind } },
      ok: outcome.ok,
      failure: outcome.failure,
      startedAt: outcome.startedAt,
      finishedAt: outcome.finishedAt,
      executors: outcome.executors,
      costMemoryMb,
    });
    runs.push(report);
    if (!outcome.ok) {
      if (flags.report) await writeReport(flags.report, workload, params, spec, runs, { ok: false, checks: [] }, 0);
      throw new RunFailedError(outcome.runId, outcome.failure?.taskId ?? '-', outcome.failure?.message ?? 'run failed');
    }
    // Every op is deterministic, so every repeat must return the very same bits.
    if (firstOutputs === undefined) firstOutputs = outcome.outputs;
    else if (!sameOutputs(firstOutputs, outcome.outputs)) differingRepeats += 1;
  }

  const verifyStartMs = performance.now();
  const verified = workload.verify(params, firstOutputs ?? new Map());
  const checks = [...verified.checks];
  if (repeats > 1) checks.push({ name: 'repeats returned identical outputs (runs differing)', value: differingRepeats, threshold: 0, bound: 'max', ok: differingRepeats === 0 });
  const verification: VerifyResult = { ok: verified.ok && differingRepeats === 0, checks };
  const verifyMs = performance.now() - verifyStartMs;

  const report = await writeReport(flags.report, workload, params, spec, runs, verification, verifyMs);
  process.stdout.write(flags.json ? `${JSON.stringify(summaryJson(report))}\n` : formatReplay(report, runs.at(-1)!));
  if (!verification.ok) throw new VerificationFailedError(workload.name, checks.filter((c) => !c.ok).map((c) => c.detail ?? c.name));
}

function wukongOptionsFromFlags(flags: ReplayFlags): Pick<WukongOptions, 'fanOutClustering' | 'fanInClustering' | 'delayedIo' | 'thresholdBytes' | 'inlineBudgetBytes'> {
  let toggles: ReturnType<typeof parseWukongOptimizations>;
  try {
    toggles = parseWukongOptimizations(flags.wukongOpts);
  } catch (error) {
    throw new BadInputError(`--wukong-opts: ${(error as Error).message}`);
  }
  return {
    ...toggles,
    thresholdBytes: parseIntegerOption(flags.thresholdBytes, '--threshold-bytes', DEFAULT_THRESHOLD_BYTES, 0),
    inlineBudgetBytes: parseIntegerOption(flags.inlineBudgetBytes, '--inline-budget-bytes', DEFAULT_INLINE_BUDGET_BYTES, 0),
  };
}

async function writeReport(
  file: string | undefined,
  workload: AnyWorkload,
  params: Record<string, number>,
  spec: DagSpec,
  runs: RunReport[],
  verification: VerifyResult,
  verifyMs: number,
): Promise<ReplayReport> {
  const makespansMs = runs.map((r) => r.makespanMs);
  const report: ReplayReport = {
    version: 1,
    workload: workload.name,
    params,
    dagName: spec.name ?? workload.name,
    tasks: spec.tasks.length,
    makespansMs,
    medianMakespanMs: makespansMs.length > 0 ? median(makespansMs) : 0,
    verification: { ok: verification.ok, verifyMs, checks: [...verification.checks] },
    ok: verification.ok && runs.every((r) => r.ok),
    runs,
  };
  if (file) await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

function sameOutputs(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [ref, left] of a) {
    const right = b.get(ref);
    if (right === undefined || right.kind !== left.kind) return false;
    if (left.kind === 'matrix' && right.kind === 'matrix') {
      if (left.rows !== right.rows || left.cols !== right.cols || !Buffer.from(left.data.buffer, left.data.byteOffset, left.data.byteLength).equals(Buffer.from(right.data.buffer, right.data.byteOffset, right.data.byteLength))) return false;
    } else if (left.kind === 'bytes' && right.kind === 'bytes') {
      if (!Buffer.from(left.data).equals(Buffer.from(right.data))) return false;
    }
  }
  return true;
}

const formatNumber = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e9 ? String(x) : x.toExponential(2));

function formatReplay(report: ReplayReport, lastRun: RunReport): string {
  const params = Object.entries(report.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    formatSummary(lastRun).trimEnd(),
    `replay ${report.workload}: ${params}; ${report.tasks} tasks`,
    `  makespan         median ${report.medianMakespanMs.toFixed(1)} ms over ${report.makespansMs.length} run${report.makespansMs.length === 1 ? '' : 's'} (${report.makespansMs.map((m) => m.toFixed(1)).join(', ')})`,
    `  verification     ${report.verification.ok ? 'PASS' : 'FAIL'} (${report.verification.verifyMs.toFixed(0)} ms)`,
    ...report.verification.checks.map(
      (c) => `    ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${formatNumber(c.value)} ${c.bound === 'max' ? '<=' : '>='} ${formatNumber(c.threshold)}${c.detail ? ` (${c.detail})` : ''}`,
    ),
    `verdict: ${report.ok ? 'PASS' : 'FAIL'}`,
  ];
  return `${lines.join('\n')}\n`;
}

function summaryJson(report: ReplayReport): Record<string, unknown> {
  const { runs, ...rest } = report;
  const last = runs.at(-1);
  return { ...rest, runIds: runs.map((r) => r.runId), ...(last ? { lastRun: { executors: last.summary.executors, invocations: last.summary.invocations, bytesWritten: last.summary.bytesWritten, costUsd: last.summary.costUsd } } : {}) };
}

function listJson(): Record<string, unknown>[] {
  return WORKLOADS.map((w) => ({
    name: w.name,
    description: w.description,
    sizeParam: w.sizeParam,
    blockParam: w.blockParam ?? null,
    taskCountFormula: w.taskCountFormula,
    params: describeParams(w),
    taskCounts: Object.fromEntries((['small', 'medium', 'large'] as const).map((p) => [p, w.taskCount(w.paramsSchema.parse(w.presets[p]))])),
  }));
}

function formatList(): string {
  const lines: string[] = [];
  for (const entry of listJson()) {
    const w = findWorkload(entry.name as string)!;
    lines.push(`${w.name} - ${w.description}`);
    lines.push(`  --size sets ${w.sizeParam}${w.blockParam ? `, --block sets ${w.blockParam}` : ''}`);
    for (const p of describeParams(w)) {
      const presets = Object.entries(p.presets).map(([k, v]) => `${k} ${v}`).join(', ');
      lines.push(`  ${p.name.padEnd(16)} ${String(p.defaultValue ?? '-').padStart(8)}  ${p.description}${presets ? ` [${presets}]` : ''}`);
    }
    const counts = entry.taskCounts as Record<string, number>;
    lines.push(`  tasks: ${w.taskCountFormula}`);
    lines.push(`         small ${counts.small}, medium ${counts.medium}, large ${counts.large}`);
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
