import type { DagSpec } from '../src/model/dag-schema.js';
import type { MetadataLocation } from '../src/metadata/metadata-location.js';
import type { Plan } from '../src/model/annotated-dag.js';
import { DagValidationError, validateDag } from '../src/dag/validate.js';
import type { Value } from '../src/data/value.js';
import { encodeValue } from '../src/data/codec.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import type { ResultCache } from '../src/cache/result-cache.js';
import { buildRunReport, type RunReport } from '../src/report/run-report.js';
import type { RunProgress, RunRequest } from '../src/runtime/run-client.js';
import { embeddedRunBackend, type RunBackend } from '../src/runtime/run-backend.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import type { RunSpec } from '../src/model/run-spec.js';
import type { StoreConfig } from '../src/runtime/store-config.js';
import { DEFAULT_DATA_ROOT } from './pipeline/data-files.js';
import { median, type ReplayReport } from './replay-report.js';
import type { AnyWorkload, VerifyResult, WorkloadCheck, WorkloadContext } from './workload.js';

/** Generates a workload's DAG and validates it; a generator bug throws DagValidationError. */
export function generateValidDag(workload: AnyWorkload, params: Record<string, number>, context?: WorkloadContext): DagSpec {
  const validation = validateDag(workload.generate(params, context), createBuiltinRegistry());
  if (!validation.ok) throw new DagValidationError(validation.problems);
  return validation.spec;
}

export interface ReplayRequest {
  readonly workload: AnyWorkload;
  readonly params: Record<string, number>;
  /** The validated DAG from generateValidDag. */
  readonly spec: DagSpec;
  readonly repeats: number;
  readonly threads: number;
  readonly stores: StoreConfig;
  readonly wukong: RunSpec['wukong'];
  readonly deadlineMs: number;
  /** Memory embedded executors are priced at in the run reports. */
  readonly costMemoryMb: number;
  /** Where to run (default: the embedded backend with `threads`, `stores` and `metadata`). */
  readonly backend?: RunBackend;
  /** Planned mode: the plan to run (from src/plan's planDag); absent: WUKONG mode. */
  readonly plan?: Plan;
  /** The planner's name in run reports (default wukong). */
  readonly planner?: string;
  /** Where executors record metadata; absent: nothing is recorded. */
  readonly metadata?: MetadataLocation;
  /** Data workloads: where the spec's source files are (default DEFAULT_DATA_ROOT, as generate's). */
  readonly dataRoot?: string;
  /** A result cache every repeat reads and writes (a second repeat then hits throughout). */
  readonly cache?: ResultCache;
  /** Planned mode with a cache: plans each repeat's tasks that must run, once its hits are known (RunRequest.planToRun). */
  readonly planToRun?: RunRequest['planToRun'];
  /** Called for each repeat with a progress callback, or undefined for none. */
  readonly progressFor?: (repeat: number) => { onProgress: (p: RunProgress) => void; done: () => void } | undefined;
}

export interface ReplayOutcome {
  readonly report: ReplayReport;
  /** Set when a run failed (the report then holds the runs so far and no checks). */
  readonly failure?: { readonly runId: string; readonly taskId: string; readonly message: string };
  /** Planned mode: the plan the last repeat followed (with a cache, only what it ran). */
  readonly lastPlan?: Plan;
}

/**
 * Runs a workload's DAG `repeats` times on the embedded backend, then verifies the first run's
 * outputs and checks that every later repeat returned the very same bits (every op is
 * deterministic). The makespan of each repeat is the run client's (pool start-up excluded).
 */
export async function runReplay(request: ReplayRequest): Promise<ReplayOutcome> {
  const { workload, params, spec } = request;
  const dag = runDagFromSpec(spec);
  // Writes a data workload's source files once (a marker says they are complete).
  await workload.prepareData?.(params, { dataRoot: request.dataRoot ?? DEFAULT_DATA_ROOT });
  const runs: RunReport[] = [];
  let firstOutputs: Map<string, Value> | undefined;
  let differingRepeats = 0;
  let lastPlan: Plan | undefined;
  for (let repeat = 0; repeat < request.repeats; repeat += 1) {
    const progress = request.progressFor?.(repeat);
    const runRequest: RunRequest = {
      spec: { dag: spec, wukong: request.wukong, progressIntervalMs: progress ? 200 : 0, ...(request.plan ? { plan: request.plan } : {}) },
      dag,
      outputRefs: dag.outputRefs(),
      deadlineMs: request.deadlineMs,
      ...(progress ? { onProgress: progress.onProgress } : {}),
      ...(request.cache ? { cache: request.cache } : {}),
      ...(request.planToRun ? { planToRun: request.planToRun } : {}),
    };
    const { outcome, memoryMb } = await (request.backend ?? embeddedBackend(request)).run(runRequest).finally(() => progress?.done());
    lastPlan = outcome.plan;
    runs.push(
      buildRunReport({
        runId: outcome.runId,
        dagName: spec.name ?? workload.name,
        backend: request.backend?.name ?? 'embedded',
        planner: request.planner ?? 'wukong',
        options: { ...request.wukong, threads: request.threads, stores: { coordinator: request.stores.coordinator.kind, intermediate: request.stores.intermediate.kind } },
        ok: outcome.ok,
        failure: outcome.failure,
        startedAt: outcome.startedAt,
        finishedAt: outcome.finishedAt,
        executors: outcome.executors,
        costMemoryMb: memoryMb,
        cache: outcome.cache,
      }),
    );
    if (!outcome.ok) {
      const failure = { runId: outcome.runId, taskId: outcome.failure?.taskId ?? '-', message: outcome.failure?.message ?? 'run failed' };
      return { report: replayReport(request, runs, { ok: false, checks: [] }, 0), failure, ...(lastPlan ? { lastPlan } : {}) };
    }
    if (firstOutputs === undefined) firstOutputs = outcome.outputs;
    else if (!sameOutputs(firstOutputs, outcome.outputs)) differingRepeats += 1;
  }

  const verifyStartMs = performance.now();
  const verified = workload.verify(params, firstOutputs ?? new Map());
  const checks: WorkloadCheck[] = [...verified.checks];
  if (request.repeats > 1) {
    checks.push({ name: 'repeats returned identical outputs (runs differing)', value: differingRepeats, threshold: 0, bound: 'max', ok: differingRepeats === 0 });
  }
  const verification = { ok: verified.ok && differingRepeats === 0, checks };
  return { report: replayReport(request, runs, verification, performance.now() - verifyStartMs), ...(lastPlan ? { lastPlan } : {}) };
}

function replayReport(request: ReplayRequest, runs: RunReport[], verification: VerifyResult, verifyMs: number): ReplayReport {
  const makespansMs = runs.map((r) => r.makespanMs);
  return {
    version: 1,
    workload: request.workload.name,
    params: request.params,
    dagName: request.spec.name ?? request.workload.name,
    tasks: request.spec.tasks.length,
    makespansMs,
    medianMakespanMs: makespansMs.length > 0 ? median(makespansMs) : 0,
    verification: { ok: verification.ok, verifyMs, checks: [...verification.checks] },
    ok: verification.ok && runs.length === request.repeats && runs.every((r) => r.ok),
    runs,
  };
}

/** Whether two runs returned bit-identical outputs under the same refs. */
export function sameOutputs(a: ReadonlyMap<string, Value>, b: ReadonlyMap<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [ref, left] of a) {
    const right = b.get(ref);
    if (right === undefined) return false;
    if (left.kind === 'matrix' && right.kind === 'matrix') {
      if (left.rows !== right.rows || left.cols !== right.cols || !bytesOf(left.data).equals(bytesOf(right.data))) return false;
    } else if (left.kind === 'bytes' && right.kind === 'bytes') {
      if (!bytesOf(left.data).equals(bytesOf(right.data))) return false;
    } else if (left.kind === 'table' && right.kind === 'table') {
      if (!Buffer.from(encodeValue(left)).equals(Buffer.from(encodeValue(right)))) return false;
    } else if (left.kind !== right.kind) {
      return false;
    }
  }
  return true;
}

function bytesOf(view: ArrayBufferView): Buffer {
  return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
}

function embeddedBackend(request: ReplayRequest): RunBackend {
  return embeddedRunBackend({ threads: request.threads, stores: request.stores, metadata: request.metadata, costMemoryMb: request.costMemoryMb });
}
