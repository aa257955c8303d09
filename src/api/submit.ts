import { availableParallelism } from 'node:os';
import type { Value } from '../data/value.js';
import { MB_PER_VCPU } from '../model/cost-model.js';
import { BadInputError } from '../model/errors.js';
import type { Plan } from '../model/annotated-dag.js';
import { buildRunReport, type RunReport } from '../report/run-report.js';
import { openEmbedded, type EmbeddedBackend, type EmbeddedOutcome } from '../runtime/embedded/embedded-backend.js';
import type { RunRequest } from '../runtime/run-client.js';
import type { DagSpec } from '../model/dag-schema.js';
import type { RunDag } from '../model/run-spec.js';
import type { OpRegistry } from '../ops/registry.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import type { WukongOptions } from '../model/wukong-options.js';
import { blamePushedFilter, checkTableSources, type CheckedTableDag } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';
import { optionsObject, positiveMsOption, shown, taskTimeoutOption, wholeNumberOption, wukongOptionsOf } from './option-checks.js';
import { validDagOrAnnotated } from './validate.js';

/** What one run takes: the WUKONG options, its bounds, and whether table reads get pushdown. */
export interface RunOptions {
  readonly wukong?: Partial<WukongOptions>;
  /** The whole run must end within this many ms (default 30 minutes). */
  readonly deadlineMs?: number;
  /** One op call may take at most this many ms (default 15 minutes). */
  readonly taskTimeoutMs?: number;
  /**
   * Table ops: push projections and filters into the reads, as the CLI does (default true); false
   * runs the DAG as written. Either way, table sources are checked before anything runs.
   */
  readonly pushdown?: boolean;
}

/** What the executor threads are: how many, and the user op modules they load. */
export interface SessionOptions extends OpsOption {
  /** Executor threads (default: the machine's parallelism). */
  readonly threads?: number;
}

export interface SubmitOptions extends SessionOptions, RunOptions {}

export interface SubmitResult {
  readonly ok: boolean;
  readonly runId: string;
  /** Output refs (`task` or `task#i`) to their values; empty when the run failed. */
  readonly outputs: ReadonlyMap<string, Value>;
  readonly failure?: { readonly taskId: string; readonly message: string } | undefined;
  readonly report: RunReport;
}

/**
 * Executor threads kept warm across runs (see `openSession`): each submit finds them started, their
 * ops loaded and their code compiled, as a Lambda fleet kept busy finds warm containers.
 */
export interface Session {
  /** As `submit`, on this session's threads; submits go one at a time, in the order made. */
  submit(dag: unknown, options?: RunOptions): Promise<SubmitResult>;
  /** Ends the threads; the process does not exit while a session is open. */
  close(): Promise<void>;
}

const MEMORY_STORES = { coordinator: { kind: 'memory' }, intermediate: { kind: 'memory' }, ttlSeconds: DEFAULT_TTL_SECONDS } as const;

/**
 * Runs a DAG (or an annotated DAG from `plan`) on the embedded backend: executor threads in this
 * process, which load the same op modules, and in-memory stores. Bad input rejects (BadInputError,
 * DagValidationError) before anything runs; a failed run resolves with `ok: false`. The threads
 * start for this run and end with it (`openSession` keeps them for many).
 */
export async function submit(dag: unknown, options: SubmitOptions = {}): Promise<SubmitResult> {
  const given = optionsObject(options, 'submit');
  const threads = threadsOf(given);
  const run = checkedRunOptions(given);
  const { registry, modulePaths } = await loadOps(given);
  const prepared = await prepareRun(dag, registry, run);
  const backend = await openThreads(modulePaths, threads);
  try {
    return resultOf(await backend.run(prepared.request), prepared, threads);
  } finally {
    await backend.close();
  }
}

/**
 * Starts executor threads (loading the user op modules named) for many submits: for a researcher
 * running many DAGs in one process, each run after the first skips the threads' start-up and
 * V8's compiling of fresh threads. Call `close` when done.
 */
export async function openSession(options: SessionOptions = {}): Promise<Session> {
  const given = optionsObject(options, 'openSession');
  const threads = threadsOf(given);
  const { registry, modulePaths } = await loadOps(given);
  const backend = await openThreads(modulePaths, threads);
  return {
    async submit(dag, runOptions = {}) {
      const prepared = await prepareRun(dag, registry, checkedRunOptions(optionsObject(runOptions, 'session.submit')));
      return resultOf(await backend.run(prepared.request), prepared, threads);
    },
    close: () => backend.close(),
  };
}

/** The embedded backend's threads, loading the user op modules, on memory stores. */
function openThreads(modulePaths: readonly string[], threads: number): Promise<EmbeddedBackend> {
  return openEmbedded({ threads, stores: MEMORY_STORES, invokeConcurrency: 64, opModules: modulePaths });
}

function threadsOf(options: SessionOptions): number {
  return wholeNumberOption(options.threads, 'threads', 1) ?? availableParallelism();
}

/** A run's options, checked and defaulted before anything runs (a bad one would fail every executor). */
interface CheckedRunOptions {
  readonly wukong: WukongOptions;
  readonly deadlineMs: number;
  readonly taskTimeoutMs: number;
  readonly pushdown: boolean;
}

function checkedRunOptions(options: RunOptions): CheckedRunOptions {
  if (options.pushdown !== undefined && typeof options.pushdown !== 'boolean') throw new BadInputError(`pushdown must be true or false, got ${shown(options.pushdown)}`);
  return {
    wukong: wukongOptionsOf(options.wukong),
    deadlineMs: positiveMsOption(options.deadlineMs, 'deadlineMs', 30 * 60_000),
    taskTimeoutMs: taskTimeoutOption(options.taskTimeoutMs, 15 * 60_000),
    pushdown: options.pushdown ?? true,
  };
}

interface PreparedRun {
  readonly request: RunRequest;
  readonly spec: DagSpec;
  readonly runDag: RunDag;
  readonly plan: Plan | undefined;
  readonly wukong: WukongOptions;
  readonly checked: CheckedTableDag;
}

/** Validates the DAG (and its plan, if annotated) and checks its table sources; nothing runs. */
async function prepareRun(dag: unknown, registry: OpRegistry, options: CheckedRunOptions): Promise<PreparedRun> {
  const { spec: validSpec, plan } = validDagOrAnnotated(dag, registry);
  const checked = await checkTableSources(validSpec, { pushdown: options.pushdown });
  const { spec } = checked;
  const runDag = runDagFromSpec(spec);
  const { wukong, taskTimeoutMs, deadlineMs } = options;
  const request: RunRequest = {
    spec: { dag: spec, wukong, progressIntervalMs: 0, taskTimeoutMs, ...(plan ? { plan } : {}) },
    dag: runDag,
    outputRefs: runDag.outputRefs(),
    deadlineMs,
  };
  return { request, spec, runDag, plan, wukong, checked };
}

function resultOf(outcome: EmbeddedOutcome, { spec, runDag, plan, wukong, checked }: PreparedRun, threads: number): SubmitResult {
  const failure = blamePushedFilter(outcome.failure, checked);
  const report = buildRunReport({
    runId: outcome.runId,
    dagName: spec.name ?? 'dag',
    backend: 'embedded',
    planner: plan?.algorithm ?? 'wukong',
    options: { ...wukong, threads },
    ok: outcome.ok,
    failure,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    executors: outcome.executors,
    costMemoryMb: MB_PER_VCPU,
    dependencies: runDag,
  });
  return { ok: outcome.ok, runId: outcome.runId, outputs: outcome.outputs, failure, report };
}
