import { MB_PER_VCPU } from '../../model/cost-model.js';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { closestName } from '../../dag/closest-name.js';
import { BadInputError } from '../../model/errors.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { withRunMetrics } from '../../report/run-report.js';
import { RunFailedError, type RunRequest } from '../../runtime/run-client.js';
import type { Plan } from '../../model/annotated-dag.js';
import { describeParams, findWorkload, PRESET_NAMES, resolveParams, WORKLOADS, type AnyWorkload, type PresetName } from '../../../workloads/index.js';
import { verificationMade, type ReplayReport } from '../../../workloads/replay-report.js';
import { formatVerificationLines } from '../../report/verification.js';
import { generateValidDag, runReplay } from '../../../workloads/replay-runner.js';
import { VerificationFailedError } from '../../../workloads/verification-failed-error.js';
import { formatSummary, summaryJson } from '../format-summary.js';
import { WUKONG_OPTION_GROUP, type WukongFlags } from '../wukong-flags.js';
import { withOptionGroup } from '../option-group.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';
import { ProgressLine } from '../progress-line.js';
import { BACKEND_FLAG_HELP, recordingLocationForRun, refuseFlagsTheBackendIgnores, runBackendFromFlags, type BackendFlags } from '../run-backend.js';
import { LAMBDA_CONFIG_FLAG_HELP } from '../lambda-config-path.js';
import { STORE_OPTION_GROUP, type StoreFlags } from '../store-flags.js';
import { planFor, plannerOfWhatRuns } from '../planned-input.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../planner-flags.js';
import { OUTPUT_OPTION_GROUP, type OutputFlags } from '../output-flags.js';
import { RECORDING_FLAG_HELP, recordingLocationFromFlag, usableRecordingLocation } from '../recording-location.js';
import { Dag } from '../../dag/dag.js';
import { DEFAULT_DATA_ROOT } from '../../../workloads/pipeline/data-files.js';
import { dataRootFor } from '../data-root.js';
import { checkTableSources } from '../../ops/table/table-dag.js';
import { resultCacheFromFlags, withCacheOptions, type CacheFlags } from '../cache-flags.js';
import { cachedRepeatsWarning } from '../cached-repeats-warning.js';
import { runDagFromSpec } from '../../model/compiled-dag.js';
import { createBuiltinRegistry } from '../../ops/builtins.js';

interface ReplayFlags extends StoreFlags, PlannerFlags, BackendFlags, WukongFlags, OutputFlags, CacheFlags {
  metadata?: string | false;
  list?: boolean;
  size?: string;
  block?: string;
  delayMs?: string;
  param: string[];
  repeat: string;
  saveDag?: string;
  data?: string;
  pushdown: boolean;
  workers?: string;
  deadline: string;
  costMemoryMb: string;
}

/** Price embedded executors as 1,769 MB Lambdas (1 vCPU), as `submit` does. */
const DEFAULT_COST_MEMORY_MB = MB_PER_VCPU;

const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * `wukong replay <workload>`: generate a seeded built-in workload, optionally save its DAG, run
 * it on the embedded backend `--repeat` times, verify the outputs numerically (recomputing the
 * inputs from the seeds), and print the median makespan and the verdict. Exit 0 verified, 1 run
 * or verification failed, 2 bad input. `--list` prints the workloads, parameters and task counts.
 */
export function registerReplayCommand(program: Command): void {
  const command = program
    .command('replay')
    .description(`generate a built-in workload (${WORKLOADS.map((w) => w.name).join(', ')}), run it, and verify the result`)
    .argument('[workload]', 'workload name (see --list)');
  withOptionGroup(command, PLANNER_OPTION_GROUP);
  command
    .option('--list', 'list the workloads, their parameters and task-count formulas')
    .option('--size <size>', 'small, medium or large (a preset), or a number for the main dimension')
    .option('--block <n>', 'block size (rows per block, block side or samples per chunk)')
    .option('--delay-ms <n>', 'tr only: sleep per reduction task, as in the paper')
    .option('--param <name=value>', 'set any workload parameter (repeatable; see --list)', collect, [])
    .option('--repeat <k>', 'runs to take the median makespan over', '1')
    .option('--save-dag <file>', 'write the generated DAG JSON (then run it)')
    .option('--workers <n>', 'executor threads (default: number of cores)')
    .option('--data <location>', `data workloads (pipeline): where the generated source files go, a directory or s3://bucket/prefix (default ${DEFAULT_DATA_ROOT}; lambda backend: s3://<its bucket>/wukong-data)`)
    .option('--no-pushdown', 'table workloads: read and move every column (no projection or filter pushdown)');
  withOptionGroup(command, WUKONG_OPTION_GROUP);
  withCacheOptions(command);
  command
    .option('--backend <name>', BACKEND_FLAG_HELP, 'embedded')
    .option('--lambda-config <file>', LAMBDA_CONFIG_FLAG_HELP)
    .option('--memory-mb <mb>', 'memory (MB) of the executor function: with --backend lambda, the deployed tier to run executors on (planned runs: each worker its own)');
  withOptionGroup(command, STORE_OPTION_GROUP);
  withOptionGroup(command, OUTPUT_OPTION_GROUP, {
    report: { description: 'write the replay report (JSON: makespans, checks, every run report)' },
    html: { description: 'write the last run as one self-contained HTML page: Gantt chart, critical path, summary' },
    json: { description: 'print the result as one JSON object' },
  });
  command
    .option('--deadline <duration>', 'fail a run that takes longer (e.g. 90s, 10m)', '30m')
    .option('--metadata <url-or-dir>', RECORDING_FLAG_HELP)
    .option('--no-metadata', 'record no metadata (planners then plan from hints and defaults)')
    .option('--cost-memory-mb <mb>', 'memory to price embedded executors at', String(DEFAULT_COST_MEMORY_MB))
    .addHelpText('after', '\nExit status: 0 verified, 1 a run or the verification failed, 2 bad input.')
    .action(async (name: string | undefined, flags: ReplayFlags) => {
      if (flags.list) {
        process.stdout.write(OUTPUT_OPTION_GROUP.fromFlags(flags).json ? `${JSON.stringify(listJson())}\n` : formatList());
        return;
      }
      await replay(requireWorkload(name), flags);
    });
}

export function requireWorkload(name: string | undefined): AnyWorkload {
  const names = WORKLOADS.map((w) => w.name);
  if (name === undefined) throw new BadInputError(`name a workload (${names.join(', ')}) or use --list`);
  const workload = findWorkload(name);
  if (workload) return workload;
  const hint = closestName(name, names);
  throw new BadInputError(`unknown workload "${name}"${hint ? ` (did you mean ${hint}?)` : ''}; available: ${names.join(', ')}`);
}

export function parseParams(workload: AnyWorkload, flags: Pick<ReplayFlags, "param" | "delayMs" | "block" | "size">): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const pair of flags.param) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(pair.trim());
    const value = match ? Number(match[2]) : Number.NaN;
    if (!match || !Number.isFinite(value)) throw new BadInputError(`--param must be name=number, got "${pair}"`);
    // Two values for one parameter: which one the user meant cannot be told (one used to win silently).
    if (Object.hasOwn(overrides, match[1]!)) throw new BadInputError(`--param ${match[1]} is given twice`);
    overrides[match[1]!] = value;
  }
  if (flags.block !== undefined && Object.hasOwn(overrides, 'block')) throw new BadInputError('give --block or --param block=..., not both');
  if (flags.delayMs !== undefined) {
    if (Object.hasOwn(overrides, 'delayMs')) throw new BadInputError('give --delay-ms or --param delayMs=..., not both');
    if (!('delayMs' in workload.paramsSchema.shape)) throw new BadInputError(`--delay-ms applies to tr only, not ${workload.name}`);
    overrides.delayMs = parseIntegerOption(flags.delayMs, '--delay-ms', 0);
  }
  const block = flags.block === undefined ? undefined : parseIntegerOption(flags.block, '--block', 0, 1);
  return resolveParams(workload, { ...(flags.size !== undefined ? { size: flags.size } : {}), ...(block !== undefined ? { block } : {}), overrides });
}

async function replay(workload: AnyWorkload, flags: ReplayFlags): Promise<void> {
  refuseFlagsTheBackendIgnores(flags);
  const params = parseParams(workload, flags);
  const repeats = parseIntegerOption(flags.repeat, '--repeat', 1, 1);
  const cachedRepeats = cachedRepeatsWarning(flags.cache, repeats);
  if (cachedRepeats) process.stderr.write(cachedRepeats);
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const costMemoryMb = parseIntegerOption(flags.costMemoryMb, '--cost-memory-mb', DEFAULT_COST_MEMORY_MB, 128);
  const wukong = WUKONG_OPTION_GROUP.fromFlags(flags);
  const stores = STORE_OPTION_GROUP.fromFlags(flags);
  const planning = PLANNER_OPTION_GROUP.fromFlags(flags);
  const output = OUTPUT_OPTION_GROUP.fromFlags(flags);

  const recordTo = await recordingLocationForRun(flags);
  const metadata = await usableRecordingLocation(recordTo);
  const context = { dataRoot: await dataRootFor(flags, DEFAULT_DATA_ROOT) };
  await workload.prepareData?.(params, context);
  const { spec } = await checkTableSources(generateValidDag(workload, params, context), { pushdown: flags.pushdown });
  // The DAG model once: the planner plans from it, and --report's metrics walk its edges.
  const model = Dag.fromSpec(spec);
  // Planned from the history earlier runs recorded (a second replay plans from the first one's);
  // before anything is written, so a bad planner leaves nothing behind.
  // With a cache, each repeat is planned once its hits are known: only what it must run.
  const history = recordTo ?? recordingLocationFromFlag(undefined);
  const { plan, planner, planToRun }: { plan?: Plan; planner: string; planToRun?: RunRequest['planToRun'] } =
    typeof flags.cache === 'string' ? await plannerOfWhatRuns(model, planning, history) : await planFor(model, planning, history);
  const backend = await runBackendFromFlags(flags, { threads, stores, metadata, costMemoryMb });
  if (flags.saveDag) await writeFile(flags.saveDag, `${JSON.stringify(spec, null, 2)}\n`);
  const cache = await resultCacheFromFlags(flags, spec.name ?? workload.name, runDagFromSpec(spec), createBuiltinRegistry());
  const { report, failure, lastPlan } = await runReplay({
    workload,
    params,
    spec,
    repeats,
    threads,
    stores,
    wukong,
    deadlineMs,
    costMemoryMb,
    planner,
    backend,
    dataRoot: context.dataRoot,
    ...(plan ? { plan } : {}),
    ...(cache ? { cache } : {}),
    ...(planToRun ? { planToRun } : {}),
    progressFor: () => {
      const line = new ProgressLine();
      return line.enabled ? { onProgress: (p) => line.update(p), done: () => line.clear() } : undefined;
    },
  }).finally(() => cache?.close());
  if (output.report) {
    // Each run with its metrics (critical path, lower bound), so `wukong report` needs no --dag; computed only for the file.
    await writeFile(output.report, `${JSON.stringify({ ...report, runs: report.runs.map((run) => withRunMetrics(run, model)) }, null, 2)}\n`);
  }
  if (output.html && report.runs.length > 0) await writeHtmlReport(output.html, report.runs.at(-1)!, { dag: spec, plan: lastPlan ?? plan, verification: verificationMade(report) });
  if (failure) throw new RunFailedError(failure.runId, failure.taskId, failure.message);
  process.stdout.write(output.json ? `${JSON.stringify(replayJson(report))}\n` : formatReplay(report));
  const failed = report.verification.checks.filter((c) => !c.ok);
  if (!report.ok) throw new VerificationFailedError(workload.name, failed.map((c) => c.detail ?? c.name));
}

function formatReplay(report: ReplayReport): string {
  const lastRun = report.runs.at(-1)!;
  const params = Object.entries(report.params).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    formatSummary(lastRun).trimEnd(),
    `replay ${report.workload}: ${params}; ${report.tasks} tasks`,
    `  makespan         median ${report.medianMakespanMs.toFixed(1)} ms over ${report.makespansMs.length} run${report.makespansMs.length === 1 ? '' : 's'} (${report.makespansMs.map((m) => m.toFixed(1)).join(', ')})`,
    ...formatVerificationLines(report.verification),
    `verdict: ${report.ok ? 'PASS' : 'FAIL'}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** `--json`: the replay report without the per-task detail, and the last run's summary. */
function replayJson(report: ReplayReport): Record<string, unknown> {
  const { runs, ...rest } = report;
  const last = runs.at(-1);
  return { ...rest, runIds: runs.map((r) => r.runId), ...(last ? { lastRun: summaryJson(last) } : {}) };
}

/** Task count of each preset, computed from the workload's formula. */
function presetTaskCounts(w: AnyWorkload): Record<PresetName, number> {
  const counts = {} as Record<PresetName, number>;
  for (const preset of PRESET_NAMES) counts[preset] = w.taskCount(w.paramsSchema.parse(w.presets[preset]));
  return counts;
}

function listJson(): Record<string, unknown>[] {
  return WORKLOADS.map((w) => ({
    name: w.name,
    description: w.description,
    sizeParam: w.sizeParam,
    blockParam: w.blockParam ?? null,
    taskCountFormula: w.taskCountFormula,
    params: describeParams(w),
    taskCounts: presetTaskCounts(w),
  }));
}

function formatList(): string {
  const lines: string[] = [];
  for (const w of WORKLOADS) {
    lines.push(`${w.name} - ${w.description}`);
    lines.push(`  --size sets ${w.sizeParam}${w.blockParam ? `, --block sets ${w.blockParam}` : ''}`);
    for (const p of describeParams(w)) {
      const presets = Object.entries(p.presets).map(([k, v]) => `${k} ${v}`).join(', ');
      lines.push(`  ${p.name.padEnd(16)} ${String(p.defaultValue ?? '-').padStart(8)}  ${p.description}${presets ? ` [${presets}]` : ''}`);
    }
    const counts = presetTaskCounts(w);
    lines.push(`  tasks: ${w.taskCountFormula}`);
    lines.push(`         ${PRESET_NAMES.map((preset) => `${preset} ${counts[preset]}`).join(', ')}`);
    lines.push('');
  }
  return lines.join('\n');
}
