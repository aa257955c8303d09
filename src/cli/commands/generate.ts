import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { generateValidDag } from '../../../workloads/replay-runner.js';
import { parseParams, requireWorkload } from './replay.js';
import { DEFAULT_DATA_ROOT } from '../../../workloads/pipeline/data-files.js';
import { absoluteDataRoot } from '../data-root.js';

interface GenerateFlags {
  output?: string;
  size?: string;
  block?: string;
  delayMs?: string;
  param: string[];
  data?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * `wukong generate <workload>`: write a built-in workload's DAG without running it (issue 15 item
 * 4): paper sizes cannot run on a laptop, but `simulate` and `plan` take the file.
 */
export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('write a built-in workload\'s DAG JSON without running it (for simulate and plan; paper sizes included)')
    .argument('<workload>', 'workload name (see wukong replay --list)')
    .option('--size <size>', 'small, medium or large (a preset), or a number for the main dimension')
    .option('--block <n>', 'block size (rows per block, block side or samples per chunk)')
    .option('--delay-ms <n>', 'tr only: sleep per reduction task, as in the paper')
    .option('--param <name=value>', 'set any workload parameter (repeatable; see wukong replay --list)', collect, [])
    .option('-o, --output <file>', 'write the DAG here (default: print it)')
    .option('--data <location>', `data workloads (pipeline): write the source files here too, a directory or s3://bucket/prefix (default ${DEFAULT_DATA_ROOT}): simulate and plan read their footers`)
    .action(async (name: string, flags: GenerateFlags) => {
      const workload = requireWorkload(name);
      const params = parseParams(workload, flags);
      // A data workload's DAG names its source files, and simulate prices reads from them: write them
      // (as replay does; a dataset already complete there is kept).
      const context = workload.prepareData ? { dataRoot: flags.data === undefined ? DEFAULT_DATA_ROOT : absoluteDataRoot(flags.data) } : undefined;
      if (context) await workload.prepareData?.(params, context);
      const spec = generateValidDag(workload, params, context);
      const text = `${JSON.stringify(spec)}\n`;
      if (flags.output) {
        await writeFile(flags.output, text);
        process.stdout.write(`wrote ${flags.output}: ${spec.tasks.length} tasks\n`);
      } else process.stdout.write(text);
    });
}
