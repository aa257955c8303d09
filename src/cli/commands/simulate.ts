import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { withRunMetrics, type RunReport } from '../../report/run-report.js';
import { writeHtmlReport } from '../../report/write-html-report.js';
import { RunFailedError } from '../../runtime/run-client.js';
import { BUILTIN_PROFILES } from '../../cost/profile.js';
import { loadProfile } from '../load-profile.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY, simulate, type SimulationStats } from '../../sim/simulator.js';
import { loadTaskCosts, localProfileFlagHelp, type TaskCostFlags } from './simulate-task-costs.js';
import { DEFAULT_METADATA_DIR } from '../../metadata/file-metadata-store.js';
import { formatSummary, summaryJson, formatLowerBound } from '../format-summary.js';
import { loadValidDag } from '../load-valid-dag.js';
import { pricedTableDag } from '../../ops/table/table-dag.js';
import { refuseWukongFlagsInPlannedMode, WUKONG_OPTION_GROUP, type WukongFlags } from '../wukong-flags.js';
import { WUKONG_PLANNER_NAME } from '../../plan/planner-names.js';
import { withOptionGroup } from '../option-group.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../planner-flags.js';
import { OUTPUT_OPTION_GROUP, type OutputFlags } from '../output-flags.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { simulatePlannedCommand, wantsPlannedSimulation } from './simulate-planned.js';
import { DEFAULT_MEMORY_MB, describeTaskCosts, parseSimulationFlags, refusePlannedOnlyFlags, slowedTasks, type SimulationFlags } from './simulate-flags.js';

interface SimulateFlags extends SimulationFlags, TaskCostFlags, PlannerFlags, WukongFlags, OpsFlags, OutputFlags {
  parkAfterMs?: string;
  replanAfter?: string;
  replanStages?: string;
  replanDrift?: string;
  replanDriftTasks?: string;
  replanDriftMinGain?: string;
  pushdown: boolean;
}

export function registerSimulateCommand(program: Command): void {
  const command = withOptionGroup(
    withOpsOptions(program
      .command('simulate'))
      .description('run a DAG in virtual time on simulated Lambdas: the real scheduler core (WUKONG, or planned workers, with --planner or an annotated DAG) with a cost profile')
      .argument('<dag>', 'DAG JSON file')
      .option('--profile <name|file>', `cost profile: ${Object.keys(BUILTIN_PROFILES).join(', ')}, local (${localProfileFlagHelp()}), or a JSON file ("extends": "aws" to override a few fields)`, 'aws')
      .option('--history <url-or-dir>', 'let recorded history (a directory or redis:// URL) price tasks of the same task key (op, args, input shapes); without it task costs come from the profile\'s op cost models, then DAG hints')
      .option('--metadata <url-or-dir>', `history the planners plan from and --profile local is fitted from (a directory or redis:// URL; default ${DEFAULT_METADATA_DIR})`)
      .option('--no-metadata', 'planners plan from no history')
      .option('--workers <n>', 'with --profile local: executor threads of the embedded runs it describes (default: number of cores)')
      .option('--seed <n>', 'seed of the random latencies', '1')
      .option('--memory-mb <mb>', 'memory (MB) of the executor function, simulated', String(DEFAULT_MEMORY_MB))
      .option('--store <kind>', 'intermediate store: redis or s3', 'redis'),
    WUKONG_OPTION_GROUP,
  )
    .option('--invoke-concurrency <n>', 'Invoke API calls in flight per executor and from the client', String(DEFAULT_SIM_INVOKE_CONCURRENCY))
    .option('--warm <n>', 'execution environments already warm when the run starts', '0')
    .option('--no-pushdown', 'table ops: price the DAG as written, every column read and moved (a run pushes projections and filters into the reads)');
  withOptionGroup(command, OUTPUT_OPTION_GROUP, { report: { description: 'write the run report (JSON, backend "simulated")' } });
  command.option('--park-after-ms <ms>', 'planned mode: a worker that waited this long for an input parks (default 500)');
  command.option('--replan-after <task-ids>', 'planned mode: re-planning points (comma-separated task ids): after the stage each closes, the planner plans the rest with the times observed so far');
  command.option('--replan-stages <n>', 'planned mode: n re-planning points spread evenly over the DAG\'s depth');
  command.option('--replan-drift <ratio>', 'planned mode: re-plan every task not started once observed / predicted compute time over the finished tasks reaches ratio (or 1/ratio); running tasks finish where they are');
  command.option('--replan-drift-tasks <n>', 'planned mode, with --replan-drift: finished tasks needed before the trigger may fire (default 1)');
  command.option('--replan-drift-min-gain <fraction>', 'planned mode, with --replan-drift: re-plan only if the new plan is forecast at least this fraction faster than the current one (default 0.1)');
  command.option('--slowdown <factor>', 'every task runs this many times as long as its cost says (planned mode: a misprediction the planner does not know of)');
  withOptionGroup(command, PLANNER_OPTION_GROUP)
    .action(async (file: string, flags: SimulateFlags, self: Command) => {
      // Planned mode (a planner, or an annotated DAG from `wukong plan -o`): ./simulate-planned.ts.
      if (await wantsPlannedSimulation(file, flags)) {
        refuseWukongFlagsInPlannedMode(self, flags.planner === WUKONG_PLANNER_NAME ? `${file} holds a plan` : `--planner ${flags.planner} makes a planned run`);
        return simulatePlannedCommand(file, flags);
      }
      const { report, stats, taskCosts } = await runSimulation(file, flags);
      if (!report.ok) throw new RunFailedError(report.runId, report.failure?.taskId ?? '-', report.failure?.message ?? 'simulation failed');
      if (OUTPUT_OPTION_GROUP.fromFlags(flags).json) process.stdout.write(`${JSON.stringify({ ...simulationJson(report, stats), taskCosts })}\n`);
      else process.stdout.write(formatSummary(report) + formatSimulated(report, stats) + `  task costs       ${taskCosts}\n`);
    });
}

async function runSimulation(file: string, flags: SimulateFlags): Promise<{ report: RunReport; stats: SimulationStats; taskCosts: string }> {
  const wukong = WUKONG_OPTION_GROUP.fromFlags(flags);
  const output = OUTPUT_OPTION_GROUP.fromFlags(flags);
  const settings = parseSimulationFlags(flags);
  refusePlannedOnlyFlags(flags);
  const ops = await opsFromFlags(flags);
  const { spec, model, dag, registry } = await pricedTableDag(await loadValidDag(file, ops.registry), ops.registry, { pushdown: flags.pushdown });
  const costs = await loadTaskCosts(model, flags, loadProfile, registry);
  const { profile } = costs;

  const result = simulate({
    dag,
    wukong,
    profile,
    ...settings,
    estimator: slowedTasks(costs.estimator, settings.slowdown),
    runId: `sim-${settings.seed}`,
    dagName: spec.name ?? file,
  });
  // With its metrics (critical path, lower bound), so `wukong report` needs no --dag; computed only for the file.
  if (output.report) await writeFile(output.report, `${JSON.stringify(withRunMetrics(result.report, dag), null, 2)}\n`);
  if (output.html) await writeHtmlReport(output.html, result.report, { dag });
  return { ...result, taskCosts: describeTaskCosts(costs.description, settings.slowdown) };
}

function formatSimulated(report: RunReport, stats: SimulationStats): string {
  const o = report.options;
  const lines = [
    `  simulated        virtual time: profile ${String(o.profile)}, seed ${String(o.seed)}, ${String(o.memoryMb)} MB, store ${String(o.store)}`,
    formatLowerBound(stats),
    `  starts           ${stats.coldStarts} cold, ${stats.warmStarts} warm; ${stats.queuedInvocations} invocations queued (peak ${stats.maxConcurrentExecutions} running)`,
    `  engine           ${stats.eventsProcessed} events in ${stats.wallMs.toFixed(0)} ms`,
  ];
  return `${lines.join('\n')}\n`;
}

function simulationJson(report: RunReport, stats: SimulationStats): Record<string, unknown> {
  return {
    ...summaryJson(report),
    simulated: true,
    profile: report.options.profile,
    seed: report.options.seed,
    memoryMb: report.options.memoryMb,
    store: report.options.store,
    lowerBoundMs: stats.lowerBoundMs,
    engine: { events: stats.eventsProcessed, wallMs: stats.wallMs },
  };
}
