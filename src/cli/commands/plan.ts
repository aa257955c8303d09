import { writeFile } from 'node:fs/promises';
import { printable } from '../../model/printable.js';
import type { Command } from 'commander';
import { BadInputError, WukongError } from '../../model/errors.js';
import { describeMetadataLocation } from '../../metadata/metadata-location.js';
import { looksAnnotated, type AnnotatedDag } from '../../model/annotated-dag.js';
import { BUILTIN_PLANNER_NAMES } from '../../plan/planner-names.js';
import { validDagOf } from '../load-valid-dag.js';
import { readDagFile } from '../read-dag-file.js';
import { pricedTableDag } from '../../ops/table/table-dag.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { planFor } from '../planned-input.js';
import { withOptionGroup } from '../option-group.js';
import { PLANNER_OPTION_GROUP, type PlannerFlags } from '../planner-flags.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';
import { METADATA_FLAG_HELP } from '../recording-location.js';
import { metadataLocationFromFlags } from './metadata.js';
import { formatUsdSaving } from '../format-usd-saving.js';
import { loadTaskCosts, simulatedPlatform } from './simulate-task-costs.js';
import { loadProfile } from '../load-profile.js';
import { describeHistoryPricing } from '../plan-pricing.js';

interface PlanFlags extends OpsFlags, PlannerFlags {
  metadata?: string | false;
  metadataDir?: string;
  output?: string;
  json?: boolean;
  profile?: string;
  pushdown: boolean;
}

export function registerPlanCommand(program: Command): void {
  const command = withOpsOptions(program.command('plan'))
    .description('plan a DAG ahead of time from past runs: a worker and memory tier per task, pre-load / pre-warm / dup, predicted makespan and cost')
    .argument('<dag>', 'DAG JSON file');
  withOptionGroup(command, PLANNER_OPTION_GROUP, {
    // The run commands default to wukong, which makes no plan (executors decide at run time); a
    // command whose whole job is a plan defaults to the simplest planner that makes one.
    planner: { description: `planning algorithm: ${BUILTIN_PLANNER_NAMES.join(', ')}, or a module path (./my-planner.js, .mjs, .ts); default uniform, since wukong makes no plan`, defaultValue: 'uniform' },
    sla: { description: 'statistic of the predictions: avg, median or pNN (e.g. p90)' },
    tiers: { description: 'memory tiers (MB) workers may get, comma separated' },
    maxWorkers: { description: 'at most this many workers (heft: its worker count, default 32)' },
  })
    .option('--metadata <url-or-dir>', `learn from the history here: ${METADATA_FLAG_HELP.replace('the history store: ', '')}`)
    .option('--no-metadata', 'no history: predictions from the DAG alone (hints and op shapes)')
    .option('--profile <name|file>', 'plan for a simulated platform: tasks priced by this cost profile\'s op cost models (as `simulate` prices them), transfers and start-ups by its rates')
    .option('-o, --output <file>', 'write the annotated DAG (planner wukong: the DAG itself) to this file')
    .option('--json', 'print the summary as one JSON object')
    .option('--no-pushdown', 'table ops: plan the DAG as written (by default it is planned, and -o writes it, with projections and filters pushed into the reads, as a run does)');
  withDeprecatedAlias(command, '--metadata-dir <dir>', '--metadata <url-or-dir>', { keepOwnValue: true });
  command.action(async (file: string, flags: PlanFlags) => {
      const planning = PLANNER_OPTION_GROUP.fromFlags(flags);
      const ops = await opsFromFlags(flags);
      const json = await readDagFile(file);
      // What `plan -o` wrote: named as such (as submit --planner names it), not as a DAG with unknown keys.
      if (looksAnnotated(json)) throw new BadInputError(`${file} already holds a plan (plan -o writes one); run it as it is (submit or simulate with no --planner), or plan its "dag" again`);
      const { spec, model, registry } = await pricedTableDag(validDagOf(json, file, ops.registry), ops.registry, { pushdown: flags.pushdown });
      const name = spec.name ?? file;
      const location = flags.metadata === false ? undefined : metadataLocationFromFlags(flags);
      const costs = flags.profile === undefined ? undefined : await loadTaskCosts(model, { ...(flags.metadata === undefined ? {} : { metadata: flags.metadata }), profile: flags.profile }, loadProfile, registry);
      const { plan, historyRecords } = await planFor(model, planning, location, registry, costs ? simulatedPlatform(costs, 'redis') : undefined);
      if (plan === undefined) {
        if (flags.output !== undefined) await writeOutput(flags.output, spec);
        if (flags.json) process.stdout.write(`${JSON.stringify({ ok: true, dag: name, planner: 'wukong', planned: false, output: flags.output ?? null })}\n`);
        else process.stdout.write(`planner wukong makes no plan: executors schedule themselves at run time (WUKONG mode)${flags.output ? `; wrote the DAG to ${flags.output}` : ''}\n`);
        return;
      }
      const history = location ? describeMetadataLocation(location) : 'none (--no-metadata)';
      const pricing = costs
        ? `profile ${costs.profile.name}: ${costs.description}; transfers, start-ups and Invoke calls at its rates`
        : describeHistoryPricing(location && historyRecords ? { where: history, records: historyRecords } : undefined);
      // Recorded in the file so `simulate` can tell a forecast made for other costs from latency spread.
      const annotated: AnnotatedDag = { dag: spec, plan: { ...plan, pricedFrom: { ...(costs ? { profile: costs.profile.name } : {}), description: pricing } } };
      if (flags.output !== undefined) await writeOutput(flags.output, annotated);
      const summary = planSummary(name, annotated, history, flags.output, pricing);
      process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : formatPlanSummary(summary, planning.tiers));
    });
}

interface PlanSummary {
  ok: true;
  dag: string;
  planner: string;
  planned: true;
  sla: string;
  tasks: number;
  workers: number;
  /** Tier (MB) -> workers on it. */
  workersByTier: Record<string, number>;
  predicted: Record<string, number>;
  metadata: string;
  /** Where the plan's task costs, transfers and start-ups (so its prediction) came from. */
  costs: string;
  output: string | null;
}

function planSummary(dag: string, annotated: AnnotatedDag, metadata: string, output: string | undefined, costs: string): PlanSummary {
  const workersByTier: Record<string, number> = {};
  for (const spec of Object.values(annotated.plan.workers)) workersByTier[String(spec.memoryMb)] = (workersByTier[String(spec.memoryMb)] ?? 0) + 1;
  return {
    ok: true,
    dag,
    planner: annotated.plan.algorithm,
    planned: true,
    sla: annotated.plan.sla,
    tasks: Object.keys(annotated.plan.tasks).length,
    workers: Object.keys(annotated.plan.workers).length,
    workersByTier,
    predicted: { ...(annotated.plan.predicted ?? { makespanMs: 0, costUsd: 0 }) },
    metadata,
    costs,
    output: output ?? null,
  };
}

function formatPlanSummary(summary: PlanSummary, tiers: readonly number[]): string {
  const byTier = Object.entries(summary.workersByTier)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([tier, count]) => `${count} x ${tier} MB`)
    .join(', ');
  const { makespanMs = 0, costUsd = 0, savingUsd, uniformCostUsd } = summary.predicted;
  const lines = [
    `plan: ${printable(summary.dag)} by ${printable(summary.planner)} (sla ${summary.sla}, tiers ${tiers.join(', ')} MB, metadata ${summary.metadata})`,
    `tasks      ${summary.tasks}`,
    `workers    ${summary.workers} (${byTier})`,
    `predicted  makespan ${makespanMs.toFixed(1)} ms, cost $${costUsd.toFixed(6)}`,
    `costs      ${summary.costs}`,
  ];
  if (savingUsd !== undefined && uniformCostUsd !== undefined) lines.push(`saving     ${formatUsdSaving(savingUsd, uniformCostUsd)}`);
  if (summary.output !== null) lines.push(`wrote      ${summary.output}`);
  return `${lines.join('\n')}\n`;
}

async function writeOutput(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`).catch((error: unknown) => {
    throw new WukongError('STORE_FAILED', `cannot write ${file}: ${(error as Error).message}`, { cause: error });
  });
}


