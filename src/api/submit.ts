import { availableParallelism } from 'node:os';
import type { Value } from '../data/value.js';
import { DagValidationError, validateDag } from '../dag/validate.js';
import { BadInputError } from '../model/errors.js';
import { MB_PER_VCPU } from '../model/cost-model.js';
import { AnnotatedDagSchema, looksAnnotated, type Plan } from '../model/annotated-dag.js';
import { DEFAULT_TIERS } from '../plan/tiers.js';
import { validatePlan } from '../plan/validate-plan.js';
import { buildRunReport, type RunReport } from '../report/run-report.js';
import { runEmbedded } from '../runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../model/wukong-options.js';
import { checkTableSources } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';

export interface SubmitOptions extends OpsOption {
  /** Executor threads (default: the machine's parallelism). */
  readonly threads?: number;
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

export interface SubmitResult {
  readonly ok: boolean;
  readonly runId: string;
  /** Output refs (`task` or `task#i`) to their values; empty when the run failed. */
  readonly outputs: ReadonlyMap<string, Value>;
  readonly failure?: { readonly taskId: string; readonly message: string } | undefined;
  readonly report: RunReport;
}

/**
 * Runs a DAG (or an annotated DAG from `plan`) on the embedded backend: executor threads in this
 * process, which load the same op modules, and in-memory stores. Bad input rejects (BadInputError,
 * DagValidationError) before anything runs; a failed run resolves with `ok: false`.
 */
export async function submit(dag: unknown, options: SubmitOptions = {}): Promise<SubmitResult> {
  const { registry, modulePaths } = await loadOps(options);
  let plan: Plan | undefined;
  let json = dag;
  if (looksAnnotated(dag)) {
    const parsed = AnnotatedDagSchema.safeParse(dag);
    if (!parsed.success) throw new BadInputError(`not an annotated DAG: ${parsed.error.issues[0]?.message ?? 'bad plan'}`);
    plan = parsed.data.plan;
    json = parsed.data.dag;
  }
  const result = validateDag(json, registry);
  if (!result.ok) throw new DagValidationError(result.problems, 'dag');
  if (plan) validatePlan(result.dag, plan, { tiers: DEFAULT_TIERS, source: 'dag' });
  const { spec } = await checkTableSources(result.spec, { pushdown: options.pushdown ?? true });
  const runDag = runDagFromSpec(spec);
  const wukong = { ...DEFAULT_WUKONG_OPTIONS, ...options.wukong };
  const threads = options.threads ?? availableParallelism();
  const stores = { coordinator: { kind: 'memory' }, intermediate: { kind: 'memory' }, ttlSeconds: DEFAULT_TTL_SECONDS } as const;
  const outcome = await runEmbedded(
    {
      spec: { dag: spec, wukong, progressIntervalMs: 0, taskTimeoutMs: options.taskTimeoutMs ?? 15 * 60_000, ...(plan ? { plan } : {}) },
      dag: runDag,
      outputRefs: runDag.outputRefs(),
      deadlineMs: options.deadlineMs ?? 30 * 60_000,
    },
    { threads, stores, invokeConcurrency: 64, opModules: modulePaths },
  );
  const report = buildRunReport({
    runId: outcome.runId,
    dagName: spec.name ?? 'dag',
    backend: 'embedded',
    planner: plan?.algorithm ?? 'wukong',
    options: { ...wukong, threads },
    ok: outcome.ok,
    failure: outcome.failure,
    startedAt: outcome.startedAt,
    finishedAt: outcome.finishedAt,
    executors: outcome.executors,
    costMemoryMb: MB_PER_VCPU,
    dependencies: runDag,
  });
  return { ok: outcome.ok, runId: outcome.runId, outputs: outcome.outputs, failure: outcome.failure, report };
}
