import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DagValidationError, validateDag } from '../../dag/validate.js';
import { BadInputError } from '../../model/errors.js';
import { buildOpRegistry } from '../../ops/user-ops.js';
import { importWfCommons } from '../../sim/wfcommons-import.js';
import { readJsonFile } from '../read-dag-file.js';

interface ImportWfCommonsFlags {
  output: string;
  timeScale: string;
  bytesScale: string;
}

/**
 * `wukong import wfcommons <instance.json> -o dag.json`: a WfCommons WfFormat trace (1.4 or 1.5)
 * as DAG JSON of synthetic.work tasks, for the simulator and planners. Adds the `import` group if
 * no other importer has yet.
 */
export function registerImportWfcommonsCommand(program: Command): void {
  const group =
    program.commands.find((command) => command.name() === 'import') ??
    program.command('import').description('convert workflows from other formats into DAG JSON');
  group
    .command('wfcommons')
    .description('convert a WfCommons WfFormat instance (schema 1.4 or 1.5) into DAG JSON of synthetic.work tasks')
    .argument('<instance>', 'WfFormat instance JSON file')
    .requiredOption('-o, --output <file>', 'DAG JSON file to write')
    .option('--time-scale <x>', 'multiply task runtimes by x (e.g. 0.01 to shrink a trace)', '1')
    .option('--bytes-scale <y>', 'multiply output file sizes by y', '1')
    .action(async (file: string, flags: ImportWfCommonsFlags) => {
      const timeScale = parseScale(flags.timeScale, '--time-scale');
      const bytesScale = parseScale(flags.bytesScale, '--bytes-scale');
      const imported = importWfCommons(await readJsonFile(file), { timeScale, bytesScale });
      // The result must be a DAG every other command accepts; nothing is written otherwise.
      const validation = validateDag(imported.spec, buildOpRegistry());
      if (!validation.ok) throw new DagValidationError(validation.problems);
      await writeFile(flags.output, `${JSON.stringify(imported.spec, null, 2)}\n`);
      process.stdout.write(`imported ${imported.spec.name ?? file}: ${imported.tasks} tasks, ${imported.edges} edges (${imported.layout} layout) -> ${flags.output}\n`);
      if (imported.withoutRuntime > 0) process.stderr.write(`wukong: warning: ${imported.withoutRuntime} tasks have no runtime; imported as 0 ms\n`);
      if (imported.clampedDurations > 0) process.stderr.write(`wukong: warning: ${imported.clampedDurations} task times cut to 900,000 ms (synthetic.work maximum)\n`);
      if (imported.clampedBytes > 0) process.stderr.write(`wukong: warning: ${imported.clampedBytes} outputs cut to 2^31 - 1 bytes (synthetic.work maximum)\n`);
    });
}

function parseScale(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) throw new BadInputError(`${flag} must be a non-negative number, got "${text}"`);
  return value;
}
