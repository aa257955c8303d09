import { MB_PER_VCPU } from '../../model/cost-model.js';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { describeMetadataLocation } from '../../metadata/metadata-location.js';
import { formatBenchSection, type BenchSectionNotes } from '../../report/bench-format.js';
import { bestWukongByWorkload, judgeGoal, relativeToBaseline, relativeToBestWukong, type BenchMeasure, type BenchMode, type RelativeTable } from '../../report/bench-table.js';
import type { AblationMeasure } from '../../report/bench-ablation.js';
import { VerificationFailedError } from '../../../workloads/verification-failed-error.js';
import { BENCH_WORKLOADS, benchCases, describeCase, parseBenchSize, parseBenchWorkloads, type BenchCase } from '../bench-cases.js';
import { BenchProgress } from '../bench-progress.js';
import { benchEmbeddedCase, benchSimCase } from '../bench-runner.js';
import { comparePaper, formatPaperTable } from '../bench-paper.js';
import { BENCH_VARIANTS, parseBenchVariants, type BenchVariant } from '../bench-variants.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';
import { recordingLocationFromFlag } from '../recording-location.js';
import { storeConfigFromFlags } from '../store-flags.js';
import { givenOnCommandLine } from '../wukong-flags.js';

interface BenchFlags {
  workloads: string;
  planners: string;
  mode: string;
  repeat: string;
  simSize: string;
  embeddedSize: string;
  metadata?: string | false;
  history?: string;
  profile: string;
  workers?: string;
  deadline: string;
  json?: boolean;
  md?: string;
  paper?: boolean;
}

/** WUKONG's evaluation ran 3 GB functions (SoCC'20); planners choose their own tiers. */
const SIM_MEMORY_MB = 3008;
/** Embedded executors are priced as 1,769 MB Lambdas (1 vCPU), as `submit` and `replay` do. */
const EMBEDDED_COST_MEMORY_MB = MB_PER_VCPU;

interface ModeResult {
  readonly mode: BenchMode;
  readonly measures: BenchMeasure[];
  readonly notes: BenchSectionNotes;
  /** Sim mode: each planner's annotations switched off one at a time. */
  readonly ablations: AblationMeasure[];
}

/**
 * `wukong bench`: the thesis's evaluation in one command (issues #9, #16): WUKONG with every
 * combination of its three optimizations against every planner, on every workload, in simulation
 * (a cost profile, paper-like sizes) and/or embedded (real runs on this machine, verified); the
 * thesis's metrics per variant, tables relative to WUKONG with all optimizations and to the best
 * WUKONG variant with the verdict on the issue's goal, and (sim) each plan annotation's ablation.
 */
export function registerBenchCommand(program: Command): void {
  program
    .command('bench')
    .description('compare WUKONG (all 8 combinations of its optimizations) with the planners on the built-in workloads, simulated and/or embedded')
    .option('--workloads <list>', `comma list of ${BENCH_WORKLOADS.join(', ')} (tr runs twice: 0 and 500 ms per reduction)`, BENCH_WORKLOADS.join(','))
    .option('--planners <list>', `comma list of ${BENCH_VARIANTS.join(', ')} (wukong, the baseline, is always run)`, BENCH_VARIANTS.join(','))
    .option('--mode <mode>', 'sim (virtual time, aws profile), embedded (real runs here, verified) or both', 'sim')
    .option('--repeat <k>', 'repeats per variant (sim: seeds 1..k of the random latencies); measures are medians', '1')
    .option('--sim-size <size>', 'sim mode sizes: paper (WUKONG-paper-like), small, medium or large', 'paper')
    .option('--embedded-size <size>', 'embedded mode sizes: small or medium', 'small')
    .option('--metadata <url-or-dir>', 'history: embedded runs record here; planners read it (default: env WUKONG_METADATA, else .wukong/metadata)')
    .option('--no-metadata', 'no history: plans from the DAG alone; nothing recorded')
    .option('--history <url-or-dir>', 'sim: let recorded history price tasks of the same task key (default: op cost models, then DAG hints)')
    .option('--profile <name|file>', 'sim: cost profile, built-in or a JSON file (aws: this project\'s kernels; aws-blas: BLAS-class kernels, as the paper ran)', 'aws')
    .option('--workers <n>', 'embedded: executor threads (default: number of cores)')
    .option('--deadline <duration>', 'embedded: fail a run that takes longer', '30m')
    .option('--json', 'print every measure, the ratios and the verdict as one JSON object')
    .option('--md <file>', 'write the tables as markdown')
    .option('--paper', "the SoCC'20 figures beside ours, simulated at the paper's sizes under --profile (use aws-blas: numpy-class kernels, as the paper ran); --repeat seeds")
    .addHelpText('after', '\nExit status: 0 done (every embedded run verified), 1 a run or a verification failed, 2 bad input.')
    .action(async (flags: BenchFlags, command: Command) => bench(flags, command));
}

/** Flags of one mode given for a run of another (`--paper` runs its own fixed cases, simulated). */
const PAPER_IGNORES = ['--workloads', '--planners', '--sim-size', '--embedded-size', '--workers', '--deadline', '--history'];
const SIM_ONLY = ['--sim-size', '--profile', '--history'];
const EMBEDDED_ONLY = ['--embedded-size', '--workers', '--deadline'];

/**
 * Flags given on the command line that the run would not read, refused (exit 2): each was taken
 * and dropped without a word (an audit: `--paper --workloads tr,gemm` still ran SVD2;
 * `--mode embedded --sim-size large` did nothing).
 */
function refuseFlagsTheRunIgnores(flags: BenchFlags, command: Command): void {
  const given = (names: readonly string[]) => givenOnCommandLine(command, names);
  const refuse = (names: string[], why: string) => {
    if (names.length > 0) throw new BadInputError(`${names.join(', ')}: ${why}`);
  };
  if (flags.paper) return refuse(given(PAPER_IGNORES), "--paper runs the paper's own cases, simulated at its sizes (only --profile, --repeat, --json and --md apply)");
  if (flags.mode === 'sim') refuse(given(EMBEDDED_ONLY), 'embedded mode only; give --mode embedded or both');
  if (flags.mode === 'embedded') refuse(given(SIM_ONLY), 'sim mode only; give --mode sim or both');
}

async function bench(flags: BenchFlags, command: Command): Promise<void> {
  // Both sizes are checked whatever the mode: a mistyped one would otherwise go unnoticed until that mode is asked for.
  const simSize = parseBenchSize(flags.simSize, 'sim', '--sim-size');
  const embeddedSize = parseBenchSize(flags.embeddedSize, 'embedded', '--embedded-size');
  refuseFlagsTheRunIgnores(flags, command);
  if (flags.paper) {
    await benchPaper(flags);
    return;
  }
  // Parse everything first: bad input runs nothing.
  const modes = parseModes(flags.mode);
  const workloads = parseBenchWorkloads(flags.workloads);
  const variants = parseBenchVariants(flags.planners);
  const repeats = parseIntegerOption(flags.repeat, '--repeat', 1, 1);
  const simCases = modes.includes('sim') ? benchCases(workloads, simSize) : [];
  const embeddedCases = modes.includes('embedded') ? benchCases(workloads, embeddedSize) : [];
  const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
  const deadlineMs = parseDuration(flags.deadline, '--deadline');
  const metadata = recordingLocationFromFlag(flags.metadata);

  const progress = new BenchProgress((simCases.length + embeddedCases.length) * variants.length);
  const results: ModeResult[] = [];
  try {
    // Embedded first: its runs record the history that sim's task costs and the planners read.
    if (embeddedCases.length > 0) results.push(await benchEmbeddedMode(embeddedCases, variants, { repeats, threads, deadlineMs, metadata, progress }));
    if (simCases.length > 0) results.push(await benchSimMode(simCases, variants, { repeats, profile: flags.profile, history: flags.history, metadataFlag: flags.metadata, metadata, progress }));
  } finally {
    progress.clear();
  }
  results.sort((a, b) => (a.mode === 'sim' ? -1 : b.mode === 'sim' ? 1 : 0));

  if (flags.md) await writeFile(flags.md, results.map((r) => formatBenchSection(r.measures, r.notes, 'markdown', r.ablations)).join('\n'));
  process.stdout.write(flags.json ? `${JSON.stringify(benchJson(results))}\n` : results.map((r) => formatBenchSection(r.measures, r.notes, 'text', r.ablations)).join('\n'));

  const unverified = results.flatMap((r) => r.measures).filter((m) => m.verified === false);
  if (unverified.length > 0) throw new VerificationFailedError('bench', unverified.map((m) => `${m.workload} ${m.variant}`));
}

async function benchPaper(flags: BenchFlags): Promise<void> {
  const repeats = parseIntegerOption(flags.repeat, '--repeat', 1, 1);
  if (flags.mode !== 'sim') throw new BadInputError('--paper simulates (the paper ran on AWS Lambda at sizes this machine cannot run): drop --mode');
  const progress = new BenchProgress(9);
  let comparison;
  try {
    comparison = await comparePaper({ profile: flags.profile, repeats, progress });
  } finally {
    progress.clear();
  }
  const table = formatPaperTable(comparison, flags.profile, repeats);
  if (flags.md) await writeFile(flags.md, table);
  process.stdout.write(flags.json ? `${JSON.stringify({ version: 1, profile: flags.profile, seeds: repeats, rows: comparison.rows, taskCosts: comparison.taskCosts })}\n` : table);
}

function parseModes(text: string): BenchMode[] {
  if (text === 'sim' || text === 'embedded') return [text];
  if (text === 'both') return ['embedded', 'sim'];
  throw new BadInputError(`--mode must be sim, embedded or both; got "${text}"`);
}

async function benchSimMode(
  cases: readonly BenchCase[],
  variants: readonly BenchVariant[],
  options: { repeats: number; profile: string; history: string | undefined; metadataFlag: string | false | undefined; metadata: ReturnType<typeof recordingLocationFromFlag>; progress: BenchProgress },
): Promise<ModeResult> {
  const measures: BenchMeasure[] = [];
  const ablations: AblationMeasure[] = [];
  const caseLines: string[] = [];
  const taskCosts = new Set<string>();
  for (const c of cases) {
    const result = await benchSimCase(c, variants, {
      profile: options.profile,
      history: options.history,
      repeats: options.repeats,
      memoryMb: SIM_MEMORY_MB,
      metadata: options.metadataFlag,
      planningHistory: options.metadata,
      progress: options.progress,
    });
    measures.push(...result.measures);
    ablations.push(...result.ablations);
    caseLines.push(`${describeCase(c)} (${result.tasks} tasks)`);
    taskCosts.add(result.taskCosts);
  }
  const lines = [
    `profile ${options.profile}; WUKONG variants on ${SIM_MEMORY_MB} MB functions, planners on the tiers they choose; intermediates in Redis; ${options.repeats} seed${options.repeats === 1 ? '' : 's'} per variant`,
    `task costs: ${[...taskCosts].join('; ')}`,
    `planners plan from: the task costs above and profile ${options.profile}'s transfers, start-ups and Invoke calls, as the simulation prices them (sla median)`,
    ...caseLines,
  ];
  return { mode: 'sim', measures, ablations, notes: { mode: 'sim', lines, profile: options.profile } };
}

async function benchEmbeddedMode(
  cases: readonly BenchCase[],
  variants: readonly BenchVariant[],
  options: { repeats: number; threads: number; deadlineMs: number; metadata: ReturnType<typeof recordingLocationFromFlag>; progress: BenchProgress },
): Promise<ModeResult> {
  const measures: BenchMeasure[] = [];
  const caseLines: string[] = [];
  for (const c of cases) {
    const result = await benchEmbeddedCase(c, variants, {
      repeats: options.repeats,
      threads: options.threads,
      stores: storeConfigFromFlags({}),
      deadlineMs: options.deadlineMs,
      costMemoryMb: EMBEDDED_COST_MEMORY_MB,
      metadata: options.metadata,
      progress: options.progress,
    });
    measures.push(...result.measures);
    caseLines.push(`${describeCase(c)} (${result.tasks} tasks)`);
  }
  const lines = [
    `embedded backend: ${options.threads} executor threads on ${cpus().length} cores, in-memory stores; cost priced at ${EMBEDDED_COST_MEMORY_MB} MB; ${options.repeats} run${options.repeats === 1 ? '' : 's'} per variant, outputs verified (the first run numerically, repeats bit-identical to it)`,
    `history: ${options.metadata ? `runs record to and planners read ${describeMetadataLocation(options.metadata)}` : 'none (--no-metadata)'}`,
    ...caseLines,
  ];
  return { mode: 'embedded', measures, ablations: [], notes: { mode: 'embedded', lines } };
}

function benchJson(results: readonly ModeResult[]): Record<string, unknown> {
  const modes: Record<string, unknown> = {};
  const tableJson = (table: RelativeTable) => Object.fromEntries([...table].map(([variant, row]) => [variant, Object.fromEntries(row)]));
  for (const r of results) {
    const relative = relativeToBaseline(r.measures);
    const best = relativeToBestWukong(r.measures);
    modes[r.mode] = {
      notes: r.notes.lines,
      measures: r.measures,
      relative: tableJson(relative),
      verdict: judgeGoal(relative),
      bestWukong: Object.fromEntries([...bestWukongByWorkload(r.measures)].map(([workload, m]) => [workload, m.variant])),
      relativeToBestWukong: tableJson(best),
      verdictAgainstBestWukong: judgeGoal(best),
      ablations: r.ablations,
    };
  }
  return { version: 1, baseline: 'wukong', modes };
}
