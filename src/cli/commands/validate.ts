import type { Command } from 'commander';
import { DagValidationError, validateDag } from '../../dag/validate.js';
import { dagShape, formatDagShape } from '../dag-shape.js';
import { opsFromFlags, withOpsOptions, type OpsFlags } from '../ops-options.js';
import { readDagFile } from '../read-dag-file.js';
import { checkTableSources } from '../table-sources.js';

/**
 * `wukong validate <dag> [--json]`: exit 0 and one summary line, or exit 2 and every problem
 * (on stderr, one a line; with --json as `{ ok: false, problems }` on stdout). Nothing is run.
 */
export function registerValidateCommand(program: Command): void {
  withOpsOptions(program
    .command('validate'))
    .description('check a DAG JSON file: schema, ids, deps, ops, args, arity, cycles; print its shape')
    .argument('<dag>', 'DAG JSON file')
    .option('--json', 'print the result as one JSON object on stdout')
    .addHelpText('after', '\nExit status: 0 valid, 2 invalid (every problem is listed, each with the task ids involved).')
    .action(async (file: string, flags: OpsFlags & { json?: boolean }) => {
      try {
        const { registry } = await opsFromFlags(flags);
        const result = validateDag(await readDagFile(file), registry);
        if (!result.ok) throw new DagValidationError(result.problems, file);
        await checkTableSources(result.spec, { pushdown: false });
        const shape = dagShape(result.dag);
        const name = result.dag.name ?? file;
        process.stdout.write(flags.json ? `${JSON.stringify({ ok: true, name, ...shape })}\n` : `${formatDagShape(name, shape)}\n`);
      } catch (error) {
        if (!(flags.json && error instanceof DagValidationError)) throw error;
        process.stdout.write(`${JSON.stringify({ ok: false, problems: error.problems })}\n`);
        process.exitCode = 2;
      }
    });
}
