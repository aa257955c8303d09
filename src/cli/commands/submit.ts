import { MB_PER_VCPU } from '../../model/cost-model.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { encodeValue } from '../../data/codec.js';
import { buildRunReport, type RunReport } from '../../report/run-report.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { RunFailedError, type RunProgress } from '../../runtime/run-client.js';
import { DEFAULT_LAMBDA_CONFIG_PATH } from '../../runtime/lambda-config.js';
import { formatSummary, summaryJson } from '../format-summary.js';
import { WUKONG_OPTION_GROUP, type WukongFlags } from '../wukong-flags.js';
import { withOptionGroup } from '../option-group.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';
import { loadPlannedInput, withPlannerOptions, type PlannerFlags } from '../planned-input.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { ProgressLine } from '../progress-line.js';
import { runBackendFromFlags, type BackendFlags } from '../run-backend.js';
import { storeConfigFromFlags, type StoreFlags } from '../store-flags.js';
import { RECORDING_FLAG_HELP, recordingLocationFromFlag } from '../recording-location.js';
import { resultCacheFromFlags, withCacheOptions, type CacheFlags } from '../cache-flags.js';

interface SubmitFlags extends StoreFlags, PlannerFlags, BackendFlags, WukongFlags, OpsFlags, CacheFlags {
  workers?: string;
  report?: string;
  html?: string;
  out?: string;
  json?: boolean;
  deadline: string;
  taskTimeout: string;
  costMemoryMb: string;
  metadata?: string | false;
}

/** Price embedded executors as 1,769 MB Lambdas (1 vCPU) unless told otherwise. */
const DEFAULT_COST_MEMORY_MB = MB_PER_VCPU;

export function registerSubmitCommand(program: Command): void {
  withCacheOptions(withOptionGroup(
    withOpsOptions(withPlannerOptions(
      program
        .command('submit')
        .description('validate a DAG (or an annotated DAG from `wukong plan`) and run it (embedded backend: executor threads, in-memory stores)')
        .argument('<dag>', 'DAG JSON file, or an annotated DAG (planned mode)'),
    )),
    WUKONG_OPTION_GROUP,
  ))
    .option('--workers <n>', 'executor threads (default: number of cores)')
    .option('--backend <name>', 'embedded (threads in this process) or lambda (functions from --lambda-config)', 'embedded')
    .option('--lambda-config <file>', 'the config `wukong config from-stack` wrote', DEFAULT_LAMBDA_CONFIG_PATH)
    .option('--memory-mb <tier>', 'lambda backend: the memory tier to run executors on')
    .option('--redis <url>', 'coordinate (and store intermediates, without --s3-bucket) in Redis')
    .option('--s3-bucket <name>', 'store intermediates in this S3 bucket (AWS_ENDPOINT_URL_S3 for a local server)')
    .option('--report <file>', 'write the run report (JSON)')
    .option('--html <file>', 'write the run as one self-contained HTML page: Gantt chart, critical path, summary')
    .option('--out <dir>', 'write each output as <ref>.arrow (Arrow IPC stream)')
    .option('--json', 'print the summary as one JSON object')
    .option('--deadline <duration>', 'fail the run if it takes longer (e.g. 90s, 10m)', '30m')
    .option('--task-timeout <duration>', 'fail the run when one op call has not returned after this long (Lambda: at most the function timeout)', '15m')
    .option('--metadata <location>', RECORDING_FLAG_HELP)
    .option('--no-metadata', 'record no metadata')
    .option('--cost-memory-mb <mb>', 'memory to price embedded executors at', String(DEFAULT_COST_MEMORY_MB))
    .action(async (file: string, flags: SubmitFlags) => {
      const report = await submit(file, flags);
      if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'run failed');
    });
}

async function submit(file: string, flags: SubmitFlags): Promise<RunReport> {
  const wukong = WUKONG_OPTION_GROUP.fromFlags(flags);
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const taskTimeoutMs = parseDuration(flags.taskTimeout, '--task-timeout');
  const costMemoryMb = parseIntegerOption(flags.costMemoryMb, '--cost-memory-mb', DEFAULT_COST_MEMORY_MB, 128);
  const stores = storeConfigFromFlags(flags);
  const metadata = recordingLocationFromFlag(flags.metadata);
  // Planners learn from the history this run records to (the default location when recording is off).
  const { registry, modulePaths } = await opsFromFlags(flags);
  const { spec, dag, plan, planner } = await loadPlannedInput(file, flags, metadata ?? recordingLocationFromFlag(undefined), registry);

  const cache = await resultCacheFromFlags(flags, spec.name ?? file, dag, registry);
  const backend = await runBackendFromFlags(flags, { threads, stores, metadata, costMemoryMb, opModules: modulePaths });
  const progress = new ProgressLine();
  const request = {
    spec: { dag: spec, wukong, taskTimeoutMs, progressIntervalMs: progress.enabled ? 200 : 0, ...(plan ? { plan } : {}) },
    dag,
    outputRefs: dag.outputRefs(),
    deadlineMs,
    onProgress: (p: RunProgress) => progress.update(p),
    ...(cache ? { cache } : {}),
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
    failure: outcome.failure,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    executors: outcome.executors,
    costMemoryMb: executorMemoryMb,
    cache: outcome.cache,
    dependencies: dag,
  });
  if (flags.report) await writeFile(flags.report, `${JSON.stringify(report, null, 2)}\n`);
  if (flags.html) await writeHtmlReport(flags.html, report, { dag, plan });
  if (flags.out && outcome.ok) {
    await mkdir(flags.out, { recursive: true });
    for (const [ref, value] of outcome.outputs) await writeFile(join(flags.out, `${ref}.arrow`), encodeValue(value));
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(summaryJson(report))}\n`);
  else if (report.ok) process.stdout.write(formatSummary(report));
  return report;
}
