import { writeFile } from 'node:fs/promises';
import { projectStatePath } from '../project-root.js';
import { opsFromFlags, type OpsFlags } from '../ops-options.js';
import { BadInputError } from '../../model/errors.js';
import { DEFAULT_METADATA_DIR } from '../../metadata/file-metadata-store.js';
import { parseMetadataLocation, type MetadataLocation } from '../../metadata/metadata-location.js';
import { looksAnnotated, type PlanPricedFrom, type ReplanOnDrift } from '../../model/annotated-dag.js';
import { withRunMetrics, type RunReport } from '../../report/run-report.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { RunFailedError } from '../../runtime/run-client.js';
import { DEFAULT_PARK_AFTER_MS } from '../../model/run-spec.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../model/wukong-options.js';
import type { PlannedSimulationResult } from '../../sim/planned-simulation.js';
import { simulate, type SimulationStats } from '../../sim/simulator.js';
import { formatSummary, summaryJson, formatLowerBound } from '../format-summary.js';
import { parseIntegerOption } from '../parse-options.js';
import { loadPlannedInput, type PrepareDag } from '../planned-input.js';
import { pricedTableDag } from '../../ops/table/table-dag.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../planner-flags.js';
import { OUTPUT_OPTION_GROUP, type OutputFlags } from '../output-flags.js';
import { readDagFile } from '../read-dag-file.js';
import { loadTaskCosts, simulatedPlatform, type TaskCostFlags, type TaskCosts } from './simulate-task-costs.js';
import { describeTaskCosts, parseSimulationFlags, slowedTasks, type SimulationFlags } from './simulate-flags.js';
import { loadProfile } from '../load-profile.js';
import { explainPlanGap, type PlanFileForecast } from '../../sim/plan-gap.js';
import { evenReplanPoints } from '../../plan/replan-phases.js';
import { Dag } from '../../dag/dag.js';
import type { DagSpec } from '../../model/dag-schema.js';

/** The flags of `wukong simulate` that planned mode reads. */
export interface PlannedSimulateFlags extends SimulationFlags, TaskCostFlags, PlannerFlags, OpsFlags, OutputFlags {
  parkAfterMs?: string;
  replanAfter?: string;
  replanStages?: string;
  replanDrift?: string;
  replanDriftTasks?: string;
  replanDriftMinGain?: string;
  /** False with --no-pushdown: table DAGs priced as written. */
  pushdown: boolean;
}

/** Whether `simulate` runs planned mode: a planner other than wukong, or a file that holds a plan. */
export async function wantsPlannedSimulation(file: string, flags: Pick<PlannerFlags, 'planner'>): Promise<boolean> {
  if (flags.planner !== undefined && flags.planner !== 'wukong') return true;
  return looksAnnotated(await readDagFile(file));
}

/**
 * `wukong simulate <annotated.json>` or `wukong simulate <dag.json> --planner NAME|PATH`: plans (or
 * reads and validates the plan), simulates planned mode, prints predicted vs simulated figures.
 */
export async function simulatePlannedCommand(file: string, flags: PlannedSimulateFlags): Promise<void> {
  const settings = parseSimulationFlags(flags);
  const parkAfterMs = parseIntegerOption(flags.parkAfterMs, '--park-after-ms', DEFAULT_PARK_AFTER_MS, 0);
  const planning = PLANNER_OPTION_GROUP.fromFlags(flags);
  const output = OUTPUT_OPTION_GROUP.fromFlags(flags);

  // The planner prices transfers, start-ups and tasks as the simulator will (issue 15 item 7): the
  // same profile and the same task costs (op cost models, or --history of the same task key).
  let { registry } = await opsFromFlags(flags);
  const replanAfter = await replanPoints(file, flags);
  const replanOnDrift = driftTrigger(flags);
  if (replanAfter && replanOnDrift) throw new BadInputError('give re-planning points (--replan-after, --replan-stages) or --replan-drift, not both');
  let taskCosts: TaskCosts | undefined;
  const costsOf = async (model: Dag): Promise<TaskCosts> => (taskCosts ??= await loadTaskCosts(model, flags, loadProfile, registry));
  let plannedHere = false;
  const platformOf = async (model: Dag) => {
    plannedHere = true;
    return simulatedPlatform(await costsOf(model), settings.storeKind);
  };
  // Table DAGs are priced as a run runs them; the task costs then use the sources' shapes.
  const prepare: PrepareDag = async (valid, ops) => {
    const priced = await pricedTableDag(valid, ops, { pushdown: flags.pushdown });
    registry = priced.registry;
    return priced;
  };
  const replanning = { ...(replanAfter ? { replanAfter } : {}), ...(replanOnDrift ? { replanOnDrift } : {}) };
  const { spec, model, dag, plan, planner, replanner, drift } = await loadPlannedInput(file, planning, planningHistory(flags), registry, platformOf, replanning, false, prepare);
  if (!plan) throw new BadInputError(`${file}: planner ${planner} made no plan`);
  const costs = await costsOf(model);
  const predictedFrom = plannedHere ? `tasks priced as simulated (below), transfers and start-ups at profile ${costs.profile.name}'s rates` : `the plan file's own forecast (${file}; ${planFileSource(plan.pricedFrom)})`;
  // A plan file may have been priced for other costs (plan from embedded-run history, say): the gap then says so.
  const planFile: PlanFileForecast | undefined = plannedHere ? undefined : { pricedFrom: plan.pricedFrom, simulatedProfile: costs.profile.name };
  const result = simulate({
    dag,
    wukong: DEFAULT_WUKONG_OPTIONS,
    profile: costs.profile,
    estimator: slowedTasks(costs.estimator, settings.slowdown),
    ...(replanner ? { replanner } : {}),
    ...(drift ? { drift } : {}),
    ...settings,
    runId: `sim-${settings.seed}`,
    dagName: spec.name ?? file,
    plan,
    parkAfterMs,
  }) as PlannedSimulationResult;
  const { report, stats } = result;
  if (output.report) await writeFile(output.report, `${JSON.stringify(withRunMetrics(report, dag), null, 2)}\n`);
  if (output.html) await writeHtmlReport(output.html, report, { dag, plan });
  if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'simulation failed');
  if (output.json) {
    const gap = explainPlanGap(result.planned.predictedMakespanMs, report.makespanMs, result.stats.lowerBoundMs, costs.description, planFile);
    process.stdout.write(`${JSON.stringify({ ...plannedSimulationJson(result), taskCosts: describeTaskCosts(costs.description, settings.slowdown), predictedFrom, ...(gap ? { gap } : {}) })}\n`);
  } else process.stdout.write(formatSummary(report) + formatPlannedSimulated(report, stats, result.planned, costs.description, predictedFrom, planFile) + `  task costs       ${describeTaskCosts(costs.description, settings.slowdown)}\n`);
}

/** `--replan-drift RATIO [--replan-drift-tasks N]`: the drift trigger (Plan.replanOnDrift); undefined: the planner's own. */
function driftTrigger(flags: PlannedSimulateFlags): ReplanOnDrift | undefined {
  if (flags.replanDrift === undefined) {
    if (flags.replanDriftTasks !== undefined || flags.replanDriftMinGain !== undefined) throw new BadInputError('--replan-drift-tasks and --replan-drift-min-gain need --replan-drift');
    return undefined;
  }
  const ratio = Number(flags.replanDrift);
  if (!(Number.isFinite(ratio) && ratio > 1)) throw new BadInputError(`--replan-drift must be a ratio above 1 (e.g. 1.5), got "${flags.replanDrift}"`);
  const minGain = flags.replanDriftMinGain === undefined ? undefined : Number(flags.replanDriftMinGain);
  if (minGain !== undefined && !(minGain >= 0 && minGain <= 1)) throw new BadInputError(`--replan-drift-min-gain must be a fraction from 0 to 1, got "${flags.replanDriftMinGain}"`);
  return { ratio, minTasks: flags.replanDriftTasks === undefined ? 1 : parseIntegerOption(flags.replanDriftTasks, '--replan-drift-tasks', 1, 1), ...(minGain === undefined ? {} : { minGain }) };
}

/** `--replan-after a,b` or `--replan-stages n` (points spread over the DAG's depth); undefined: the planner's own. */
async function replanPoints(file: string, flags: PlannedSimulateFlags): Promise<string[] | undefined> {
  if (flags.replanAfter !== undefined && flags.replanStages !== undefined) throw new BadInputError('give --replan-after or --replan-stages, not both');
  if (flags.replanAfter !== undefined) return flags.replanAfter.split(',').map((id) => id.trim()).filter((id) => id.length > 0);
  if (flags.replanStages === undefined) return undefined;
  const count = parseIntegerOption(flags.replanStages, '--replan-stages', 1, 1);
  const json = await readDagFile(file);
  if (looksAnnotated(json)) throw new BadInputError(`${file} already holds a plan; --replan-stages needs a DAG and --planner`);
  return evenReplanPoints(Dag.fromSpec(json as DagSpec), count);
}

/** Where the planner's history is: --metadata, none with --no-metadata, else the default directory. */
function planningHistory(flags: TaskCostFlags): MetadataLocation | undefined {
  if (flags.metadata === false) return undefined;
  if (typeof flags.metadata === 'string') return parseMetadataLocation(flags.metadata);
  return { kind: 'file', dir: projectStatePath(DEFAULT_METADATA_DIR) };
}

/** What a plan file says its forecast was priced from, in brief (the gap line gives the whole of it). */
function planFileSource(pricedFrom: PlanPricedFrom | undefined): string {
  if (!pricedFrom) return 'it does not record what it was priced from';
  return pricedFrom.profile === undefined ? 'priced by the predictor (history, DAG hints, defaults), not at a profile' : `priced at profile ${pricedFrom.profile}`;
}

function formatPlannedSimulated(report: RunReport, stats: SimulationStats, planned: PlannedSimulationResult['planned'], taskCosts: string, predictedFrom: string, planFile: PlanFileForecast | undefined): string {
  const gap = explainPlanGap(planned.predictedMakespanMs, report.makespanMs, stats.lowerBoundMs, taskCosts, planFile);
  const o = report.options;
  const predicted = (value: number | undefined, unit: (v: number) => string) => (value === undefined ? '-' : unit(value));
  const lines = [
    `  simulated        virtual time: profile ${String(o.profile)}, seed ${String(o.seed)}, store ${String(o.store)}`,
    `  planner          ${planned.planner}: ${planned.workers} workers (tiers MB x workers: ${String(o.memoryMb)}), park after ${String(o.parkAfterMs)} ms`,
    `  predicted        makespan ${predicted(planned.predictedMakespanMs, (v) => `${v.toFixed(1)} ms`)}, cost ${predicted(planned.predictedCostUsd, (v) => `$${v.toFixed(6)}`)} (the plan's forecast: ${predictedFrom})`,
    `  simulated        makespan ${report.makespanMs.toFixed(1)} ms, cost $${report.summary.costUsd.toFixed(6)} (each worker priced at its own tier)`,
    formatLowerBound(stats),
    ...(planned.replans > 0
      ? [
          planned.driftReplanAtMs === undefined
            ? `  re-planned       ${planned.replans} time(s) at the plan's points (planner ${planned.replanWallMs.toFixed(0)} ms wall, not charged)`
            : `  re-planned       on drift at ${planned.driftReplanAtMs.toFixed(0)} ms (observed / predicted ${planned.driftFactor?.toFixed(2)}; planner ${planned.replanWallMs.toFixed(0)} ms wall, not charged)`,
        ]
      : []),
    ...(planned.handOvers > 0 ? [`  handed over      ${planned.handOvers} worker(s) of a later phase to workers held from the phase before`] : []),
    `  workers          ${planned.resumes} re-invocations after ${planned.parks} parks; ${planned.waits} waits (${planned.waitTimeouts} timed out); ${planned.prewarms} prewarms; ${planned.lostClaims} hedged-start copies lost the claim; ${planned.dupRuns} dup runs; ${planned.preloads} preloaded gets`,
    `  starts           ${stats.coldStarts} cold, ${stats.warmStarts} warm; ${stats.queuedInvocations} invocations queued`,
    // The summary's executors and invocations are the workers the report holds; these started an environment and are billed too.
    ...(planned.unreportedInvocations > 0
      ? [`  unreported       ${planned.unreportedInvocations} billed invocation(s) ran no worker (prewarms, hedged-start copies that lost the claim): counted in the starts and the cost's requests, not in executors`]
      : []),
    `  engine           ${stats.eventsProcessed} events in ${stats.wallMs.toFixed(0)} ms`,
    ...(gap ? [`  gap              simulated ${(gap.ratio * 100).toFixed(0)} % vs predicted: ${gap.reason}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

function plannedSimulationJson(result: PlannedSimulationResult): Record<string, unknown> {
  const { report, stats, planned } = result;
  return {
    ...summaryJson(report),
    simulated: true,
    planner: planned.planner,
    profile: report.options.profile,
    seed: report.options.seed,
    store: report.options.store,
    workers: planned.workers,
    predicted: { makespanMs: planned.predictedMakespanMs ?? null, costUsd: planned.predictedCostUsd ?? null },
    planned: {
      resumes: planned.resumes,
      parks: planned.parks,
      waits: planned.waits,
      waitTimeouts: planned.waitTimeouts,
      prewarms: planned.prewarms,
      lostClaims: planned.lostClaims,
      unreportedInvocations: planned.unreportedInvocations,
      dupRuns: planned.dupRuns,
      preloads: planned.preloads,
      replans: planned.replans,
      ...(planned.driftReplanAtMs === undefined ? {} : { driftReplanAtMs: planned.driftReplanAtMs, driftFactor: planned.driftFactor }),
    },
    lowerBoundMs: stats.lowerBoundMs,
    engine: { events: stats.eventsProcessed, wallMs: stats.wallMs },
  };
}
