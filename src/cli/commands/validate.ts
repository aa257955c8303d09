import type { Command } from 'commander';
import { DagValidationError, validateDag } from '../../dag/validate.js';
import type { Dag } from '../../dag/dag.js';
import { looksAnnotated } from '../../model/annotated-dag.js';
import { printable } from '../../model/printable.js';
import type { OpCatalog } from '../../dag/op-catalog.js';
import { dagShape, formatDagShape } from '../dag-shape.js';
import { loadPlannedInput } from '../planned-input.js';
import { PlannerOptionsSchema } from '../../plan/planner-options.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { readDagFile } from '../read-dag-file.js';
import { checkTableSources } from '../../ops/table/table-dag.js';
import { invalidDagJson } from '../invalid-dag-json.js';

/**
 * `wukong validate <dag> [--json]`: exit 0 and one summary line, or exit 2 and every problem
 * (on stderr, one a line; with --json as `{ ok: false, problems }` on stdout, table sources' too). Nothing is run. An
 * annotated DAG is accepted when `submit` would accept it.
 */
export function registerValidateCommand(program: Command): void {
  withOpsOptions(program
    .command('validate'))
    .description('check a DAG JSON file (or an annotated DAG from `wukong plan -o`): schema, ids, deps, ops, args, arity, cycles, the plan; print its shape')
    .argument('<dag>', 'DAG JSON file')
    .option('--json', 'print the result as one JSON object on stdout')
    .addHelpText('after', '\nExit status: 0 valid, 2 invalid (every problem is listed, each with the task ids involved).')
    .action(async (file: string, flags: OpsFlags & { json?: boolean }) => {
      try {
        const { registry } = await opsFromFlags(flags);
        const json = await readDagFile(file);
        // An annotated DAG (`wukong plan -o`) is checked as `submit` checks it: its DAG and its plan.
        const { model, plan } = looksAnnotated(json) ? await loadPlannedInput(file, PlannerOptionsSchema.parse({}), undefined, registry) : { model: validDagModel(json, file, registry), plan: undefined };
        await checkTableSources(model.spec, { pushdown: false });
        const shape = dagShape(model);
        const name = model.name ?? file;
        const planned = plan ? { plan: { algorithm: plan.algorithm, workers: Object.keys(plan.workers).length } } : {};
        const line = `${formatDagShape(name, shape)}${plan ? `; plan by ${printable(plan.algorithm)}, ${planned.plan?.workers} workers` : ''}`;
        process.stdout.write(flags.json ? `${JSON.stringify({ ok: true, name, ...shape, ...planned })}\n` : `${line}\n`);
      } catch (error) {
        const invalid = flags.json ? invalidDagJson(error) : undefined;
        if (!invalid) throw error;
        process.stdout.write(`${JSON.stringify(invalid)}\n`);
        process.exitCode = 2;
      }
    });
}

function validDagModel(json: unknown, file: string, catalog: OpCatalog): Dag {
  const result = validateDag(json, catalog);
  if (!result.ok) throw new DagValidationError(result.problems, file);
  return result.dag;
}
