import type { Command } from 'commander';
import { DagValidationError, validateDag } from '../../dag/validate.js';
import { createBuiltinRegistry } from '../../ops/builtins.js';
import { runDagFromSpec } from '../../runtime/run-dag.js';
import { dagShape } from '../dag-shape.js';
import { readDagFile } from '../read-dag-file.js';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check a DAG JSON file; print a summary, or every problem (exit 2)')
    .argument('<dag>', 'DAG JSON file')
    .option('--json', 'print the result as one JSON object')
    .action(async (file: string, flags: { json?: boolean }) => {
      let input: unknown;
      try {
        input = await readDagFile(file);
      } catch (error) {
        if (flags.json && error instanceof DagValidationError) return printJsonProblems(error);
        throw error;
      }
      const result = validateDag(input, createBuiltinRegistry());
      if (!result.ok) {
        const error = new DagValidationError(result.problems);
        if (flags.json) return printJsonProblems(error);
        throw error;
      }
      const shape = dagShape(runDagFromSpec(result.spec), result.spec.tasks.length);
      const name = result.spec.name ?? file;
      if (flags.json) process.stdout.write(`${JSON.stringify({ ok: true, name, ...shape })}\n`);
      else process.stdout.write(`ok: ${name}: ${shape.tasks} tasks, ${shape.edges} edges, ${shape.sources} sources, ${shape.sinks} sinks, depth ${shape.depth}\n`);
    });
}

function printJsonProblems(error: DagValidationError): void {
  process.stdout.write(`${JSON.stringify({ ok: false, problems: error.problems })}\n`);
  process.exitCode = 2;
}
