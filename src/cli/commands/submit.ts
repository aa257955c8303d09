import { MB_PER_VCPU } from '../../model/cost-model.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { encodeValue } from '../../data/codec.js';
import { buildRunReport, type RunReport } from '../../report/run-report.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { RunFailedError, type RunProgress } from '../../runtime/run-client.js';
import { LAMBDA_CONFIG_FLAG_HELP } from '../lambda-config-path.js';
import { formatSummary, summaryJson } from '../format-summary.js';
import { invalidDagJson } from '../invalid-dag-json.js';
import { refuseWukongFlagsInPlannedMode, WUKONG_OPTION_GROUP, type WukongFlags } from '../wukong-flags.js';
import { WUKONG_PLANNER_NAME } from '../../plan/planner-names.js';
import { withOptionGroup } from '../option-group.js';
import { parseDuration, parseIntegerOption, parseTimerDuration } from '../parse-options.js';
import { loadPlannedInput } from '../planned-input.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../planner-flags.js';
import { OUTPUT_OPTION_GROUP, type OutputFlags } from '../output-flags.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { ProgressLine } from '../progress-line.js';
import { BACKEND_FLAG_HELP, recordingLocationForRun, refuseFlagsTheBackendIgnores, runBackendFromFlags, type BackendFlags } from '../run-backend.js';
import { STORE_OPTION_GROUP, type StoreFlags } from '../store-flags.js';
import { RECORDING_FLAG_HELP, recordingLocationFromFlag, usableRecordingLocation } from '../recording-location.js';
import { blamePushedFilter, checkTableSources } from '../../ops/table/table-dag.js';
import { runDagFromSpec } from '../../model/compiled-dag.js';
import { BadInputError } from '../../model/errors.js';
import type { Value } from '../../data/value.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';

import { resultCacheFromFlags, withCacheOptions, type CacheFlags } from '../cache-flags.js';

interface SubmitFlags extends StoreFlags, PlannerFlags, BackendFlags, WukongFlags, OpsFlags, OutputFlags, CacheFlags {
  workers?: string;
  outputDir?: string;
  deadline: string;
  taskTimeout: string;
  costMemoryMb: string;
  metadata?: string | false;
  pushdown: boolean;
  outputFormat: string;
}

/** Price embedded executors as 1,769 MB Lambdas (1 vCPU) unless told otherwise. */
const DEFAULT_COST_MEMORY_MB = MB_PER_VCPU;

export function registerSubmitCommand(program: Command): void {
  const command = program
    .command('submit')
    .description('validate a DAG (or an annotated DAG from `wukong plan`) and run it (embedded backend: executor threads, in-memory stores)')
    .argument('<dag>', 'DAG JSON file, or an annotated DAG (planned mode)');
  withOptionGroup(command, PLANNER_OPTION_GROUP);
  withOpsOptions(command);
  withOptionGroup(command, WUKONG_OPTION_GROUP);
  withCacheOptions(command);
  command
    .option('--workers <n>', 'executor threads (default: number of cores)')
    .option('--backend <name>', BACKEND_FLAG_HELP, 'embedded')
    .option('--lambda-config <file>', LAMBDA_CONFIG_FLAG_HELP)
    .option('--memory-mb <mb>', 'memory (MB) of the executor function: with --backend lambda, the deployed tier to run executors on');
  withOptionGroup(command, STORE_OPTION_GROUP);
  withOptionGroup(command, OUTPUT_OPTION_GROUP);
  command
    .option('--output-dir <dir>', 'write each output as <ref>.arrow (Arrow IPC stream), or .parquet for tables with --output-format parquet')
    .option('--output-format <format>', 'tables in --output-dir: arrow (IPC stream) or parquet', 'arrow')
    .option('--no-pushdown', 'table ops: read and move every column (no projection or filter pushdown)')
    .option('--deadline <duration>', 'fail the run if it takes longer (e.g. 90s, 10m)', '30m')
    .option('--task-timeout <duration>', 'fail the run when one op call has not returned after this long (Lambda: at most the function timeout)', '15m')
    .option('--metadata <url-or-dir>', RECORDING_FLAG_HELP)
    .option('--no-metadata', 'record no metadata')
    .option('--cost-memory-mb <mb>', 'memory to price embedded executors at', String(DEFAULT_COST_MEMORY_MB));
  withDeprecatedAlias(command, '--out <dir>', '--output-dir <dir>').action(async (file: string, flags: SubmitFlags, self: Command) => {
      let report: RunReport;
      try {
        report = await submit(file, flags, self);
      } catch (error) {
        // With --json an invalid DAG answers as a failed run does: one JSON object on stdout (exit 2 still).
        const invalid = OUTPUT_OPTION_GROUP.fromFlags(flags).json ? invalidDagJson(error) : undefined;
        if (!invalid) throw error;
        process.stdout.write(`${JSON.stringify(invalid)}\n`);
        process.exitCode = 2;
        return;
      }
      if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'run failed');
    });
}

async function submit(file: string, flags: SubmitFlags, command: Command): Promise<RunReport> {
  refuseFlagsTheBackendIgnores(flags);
  const wukong = WUKONG_OPTION_GROUP.fromFlags(flags);
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const taskTimeoutMs = parseTimerDuration(flags.taskTimeout, '--task-timeout');
  const costMemoryMb = parseIntegerOption(flags.costMemoryMb, '--cost-memory-mb', DEFAULT_COST_MEMORY_MB, 128);
  const stores = STORE_OPTION_GROUP.fromFlags(flags);
  const output = OUTPUT_OPTION_GROUP.fromFlags(flags);
  const planning = PLANNER_OPTION_GROUP.fromFlags(flags);
  const recordTo = await recordingLocationForRun(flags);
  // Planners learn from the history this run records to (the default location when recording is off).
  const { registry, modulePaths } = await opsFromFlags(flags);
  if (flags.outputFormat !== 'arrow' && flags.outputFormat !== 'parquet') throw new BadInputError(`--output-format must be arrow or parquet, got "${flags.outputFormat}"`);
  // Refused before a planner runs (a file's own plan is known only once it is read, below).
  if (flags.planner !== WUKONG_PLANNER_NAME) refuseWukongFlagsInPlannedMode(command, `--planner ${flags.planner} makes a planned run`);
  // With a cache, a planner plans once the run knows its hits: only what must run.
  const loaded = await loadPlannedInput(file, planning, recordTo ?? recordingLocationFromFlag(undefined), registry, undefined, undefined, typeof flags.cache === 'string');
  const { plan, planner, planToRun } = loaded;
  if (plan) refuseWukongFlagsInPlannedMode(command, `${file} holds a plan`);
  if (plan?.replanAfter?.length || plan?.replanOnDrift) {
    // Re-planning is simulated only (src/sim/planned-replanning-engine.ts); say so rather than ignore it quietly.
    process.stderr.write('wukong: warning: the plan names re-planning points or a drift trigger; only `wukong simulate` re-plans yet, so this run follows the plan as made\n');
  }
  const checked = await checkTableSources(loaded.spec, { pushdown: flags.pushdown });
  const spec = checked.spec;
  const dag = checked.changes.length > 0 ? runDagFromSpec(spec) : loaded.dag;
  const metadata = await usableRecordingLocation(recordTo);

  const cache = await resultCacheFromFlags(flags, spec.name ?? file, dag, registry);
  const backend = await runBackendFromFlags(flags, { threads, stores, metadata, costMemoryMb, opModules: modulePaths });
  const progress = new ProgressLine();
  const request = {
    spec: { dag: spec, wukong, taskTimeoutMs, progressIntervalMs: progress.enabled ? 200 : 0, ...(plan ? { plan } : {}) },
    dag,
    outputRefs: dag.outputRefs(),
    deadlineMs,
    // No callback when there is no line to draw: the client then does not count the tasks done.
    ...(progress.enabled ? { onProgress: (p: RunProgress) => progress.update(p) } : {}),
    ...(cache ? { cache } : {}),
    ...(planToRun ? { planToRun } : {}),
  };
  const { outcome, memoryMb: executorMemoryMb } = await backend.run(request).finally(async () => {
    progress.clear();
    await cache?.close();
  });
  const report = buildRunReport({
    runId: outcome.runId,
    dagName: spec.name ?? file,
    backend: backend.name,
    planner,
    options: { ...wukong, threads, stores: { coordinator: stores.coordinator.kind, intermediate: stores.intermediate.kind } },
    ok: outcome.ok,
    failure: blamePushedFilter(outcome.failure, checked),
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    executors: outcome.executors,
    costMemoryMb: executorMemoryMb,
    cache: outcome.cache,
    dependencies: dag,
  });
  if (output.report) await writeFile(output.report, `${JSON.stringify(report, null, 2)}\n`);
  if (output.html) await writeHtmlReport(output.html, report, { dag, plan: outcome.plan ?? plan });
  if (flags.outputDir && outcome.ok) {
    await mkdir(flags.outputDir, { recursive: true });
    for (const [ref, value] of outcome.outputs) await writeOutput(flags.outputDir, ref, value, flags.outputFormat);
  }
  if (output.json) process.stdout.write(`${JSON.stringify(summaryJson(report))}\n`);
  else if (report.ok) process.stdout.write(formatSummary(report));
  return report;
}

/** One output in --out: `<ref>.arrow` (IPC stream), or a table as `<ref>.parquet` when asked. */
async function writeOutput(dir: string, ref: string, value: Value, format: string): Promise<void> {
  if (value.kind === 'table' && format === 'parquet') {
    const { encodeTable } = await import('../../ops/table/read-write-ops.js');
    await writeFile(join(dir, `${ref}.parquet`), await encodeTable(value.table, 'parquet'));
  } else {
    await writeFile(join(dir, `${ref}.arrow`), encodeValue(value));
  }
}
