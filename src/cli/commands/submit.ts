import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { encodeValue } from '../../data/codec.js';
import { BadInputError } from '../../errors.js';
import { DEFAULT_METADATA_DIR } from '../../metadata/file-metadata-store.js';
import { parseMetadataLocation, type MetadataLocation } from '../../metadata/metadata-location.js';
import { buildRunReport, type RunReport } from '../../report/run-report.js';
import { runEmbedded } from '../../runtime/embedded/embedded-backend.js';
import { RunFailedError, type RunOutcome, type RunProgress } from '../../runtime/run-client.js';
import { DEFAULT_LAMBDA_CONFIG_PATH, loadLambdaConfig } from '../../runtime/lambda-config.js';
import { lambdaRunOptionsFromConfig, runOnLambda } from '../../runtime/lambda/lambda-backend.js';
import { DEFAULT_TTL_SECONDS } from '../../storage/coordinator.js';
import { DEFAULT_INLINE_BUDGET_BYTES, DEFAULT_THRESHOLD_BYTES, parseWukongOptimizations } from '../../scheduler/wukong-options.js';
import { formatSummary, summaryJson } from '../format-summary.js';
import { loadValidDag } from '../load-valid-dag.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';
import { ProgressLine } from '../progress-line.js';
import { storeConfigFromFlags, type StoreFlags } from '../store-flags.js';

interface SubmitFlags extends StoreFlags {
  planner: string;
  wukongOpts: string;
  thresholdBytes?: string;
  inlineBudgetBytes?: string;
  workers?: string;
  report?: string;
  out?: string;
  json?: boolean;
  deadline: string;
  costMemoryMb: string;
  metadata?: string | false;
  backend: string;
  lambdaConfig: string;
  memoryMb?: string;
}

/** Price embedded executors as 1,769 MB Lambdas (1 vCPU) unless told otherwise. */
const DEFAULT_COST_MEMORY_MB = 1769;

export function registerSubmitCommand(program: Command): void {
  program
    .command('submit')
    .description('validate a DAG and run it (embedded backend: executor threads, in-memory stores)')
    .argument('<dag>', 'DAG JSON file')
    .option('--planner <name>', 'planning algorithm (wukong: no plan, executors decide as WUKONG does)', 'wukong')
    .option('--wukong-opts <list>', 'WUKONG optimizations: all, none, or a comma list of fanout-clustering, fanin-clustering, delayed-io', 'all')
    .option('--threshold-bytes <n>', `an output of at least this many bytes is large (default ${DEFAULT_THRESHOLD_BYTES})`)
    .option('--inline-budget-bytes <n>', `outputs up to this size travel inline in invocations (default ${DEFAULT_INLINE_BUDGET_BYTES})`)
    .option('--workers <n>', 'executor threads (default: number of cores)')
    .option('--backend <name>', 'embedded (threads in this process) or lambda (functions from --lambda-config)', 'embedded')
    .option('--lambda-config <file>', 'the config `wukong config from-stack` wrote', DEFAULT_LAMBDA_CONFIG_PATH)
    .option('--memory-mb <tier>', 'lambda backend: the memory tier to run executors on')
    .option('--redis <url>', 'coordinate (and store intermediates, without --s3-bucket) in Redis')
    .option('--s3-bucket <name>', 'store intermediates in this S3 bucket (AWS_ENDPOINT_URL_S3 for a local server)')
    .option('--report <file>', 'write the run report (JSON)')
    .option('--out <dir>', 'write each output as <ref>.arrow (Arrow IPC stream)')
    .option('--json', 'print the summary as one JSON object')
    .option('--deadline <duration>', 'fail the run if it takes longer (e.g. 90s, 10m)', '30m')
    .option('--metadata <location>', `record task/transfer/invoke metadata here: a directory or a redis:// URL (default ${DEFAULT_METADATA_DIR})`)
    .option('--no-metadata', 'record no metadata')
    .option('--cost-memory-mb <mb>', 'memory to price embedded executors at', String(DEFAULT_COST_MEMORY_MB))
    .action(async (file: string, flags: SubmitFlags) => {
      const report = await submit(file, flags);
      if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'run failed');
    });
}

async function submit(file: string, flags: SubmitFlags): Promise<RunReport> {
  if (flags.planner !== 'wukong') throw new BadInputError(`unknown planner "${flags.planner}"; available: wukong`);
  const toggles = parseOrBadInput(() => parseWukongOptimizations(flags.wukongOpts), '--wukong-opts');
  const wukong = {
    ...toggles,
    thresholdBytes: parseIntegerOption(flags.thresholdBytes, '--threshold-bytes', DEFAULT_THRESHOLD_BYTES, 0),
    inlineBudgetBytes: parseIntegerOption(flags.inlineBudgetBytes, '--inline-budget-bytes', DEFAULT_INLINE_BUDGET_BYTES, 0),
  };
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const costMemoryMb = parseIntegerOption(flags.costMemoryMb, '--cost-memory-mb', DEFAULT_COST_MEMORY_MB, 128);
  const stores = storeConfigFromFlags(flags);
  const metadata = metadataLocationFromFlag(flags.metadata);
  const { spec, dag } = await loadValidDag(file);

  if (flags.backend !== 'embedded' && flags.backend !== 'lambda') throw new BadInputError(`--backend must be embedded or lambda, got "${flags.backend}"`);
  const progress = new ProgressLine();
  const request = {
    spec: { dag: spec, wukong, progressIntervalMs: progress.enabled ? 200 : 0 },
    dag,
    outputRefs: dag.outputRefs(),
    deadlineMs,
    onProgress: (p: RunProgress) => progress.update(p),
  };
  let outcome: RunOutcome;
  let executorMemoryMb = costMemoryMb;
  if (flags.backend === 'lambda') {
    const memoryMb = flags.memoryMb === undefined ? undefined : parseIntegerOption(flags.memoryMb, '--memory-mb', 0, 128);
    const options = lambdaRunOptionsFromConfig(await loadLambdaConfig(flags.lambdaConfig), { ...(memoryMb ? { memoryMb } : {}), ttlSeconds: DEFAULT_TTL_SECONDS });
    const lambdaOutcome = await runOnLambda(request, options).finally(() => progress.clear());
    executorMemoryMb = lambdaOutcome.memoryMb;
    outcome = lambdaOutcome;
  } else {
    outcome = await runEmbedded(request, { threads, stores, invokeConcurrency: 64, ...(metadata ? { metadata } : {}) }).finally(() => progress.clear());
  }

  const report = buildRunReport({
    runId: outcome.runId,
    dagName: spec.name ?? file,
    backend: flags.backend === 'lambda' ? 'lambda' : 'embedded',
    planner: 'wukong',
    options: { ...wukong, threads, stores: { coordinator: stores.coordinator.kind, intermediate: stores.intermediate.kind } },
    ok: outcome.ok,
    failure: outcome.failure,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    executors: outcome.executors,
    costMemoryMb: executorMemoryMb,
  });
  if (flags.report) await writeFile(flags.report, `${JSON.stringify(report, null, 2)}\n`);
  if (flags.out && outcome.ok) {
    await mkdir(flags.out, { recursive: true });
    for (const [ref, value] of outcome.outputs) await writeFile(join(flags.out, `${ref}.arrow`), encodeValue(value));
  }
  if (flags.json) process.stdout.write(`${JSON.stringify(summaryJson(report))}\n`);
  else if (report.ok) process.stdout.write(formatSummary(report));
  return report;
}


/** Embedded runs record into the file store by default; memory would be lost with the threads. */
function metadataLocationFromFlag(flag: string | false | undefined): MetadataLocation | undefined {
  if (flag === false) return undefined;
  const location = parseMetadataLocation(flag ?? DEFAULT_METADATA_DIR);
  if (location.kind === 'memory') throw new BadInputError('--metadata memory: is not available for runs: executor threads would each keep their own');
  return location.kind === 'file' ? { kind: 'file', dir: resolve(location.dir) } : location;
}

function parseOrBadInput<T>(parse: () => T, flag: string): T {
  try {
    return parse();
  } catch (error) {
    throw new BadInputError(`${flag}: ${(error as Error).message}`);
  }
}
