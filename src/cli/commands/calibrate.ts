import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { calibrateKernels } from '../../cost/calibrate.js';
import { builtinProfile, BUILTIN_PROFILES } from '../../cost/profile.js';
import { createBuiltinRegistry } from '../../ops/builtins.js';
import { parseIntegerOption } from '../parse-options.js';
import { BadInputError } from '../../model/errors.js';

interface CalibrateFlags {
  output?: string;
  repeat: string;
  quick?: boolean;
  lambdaVcpuFactor: string;
  base: string;
}

/**
 * `wukong calibrate`: measures this project's kernels on this machine and writes a cost profile
 * (`"extends": "aws"` with the measured `kernels` table) for `--profile FILE`.
 */
export function registerCalibrateCommand(program: Command): void {
  program
    .command('calibrate')
    .description("micro-benchmark every built-in op's kernel at several sizes on this machine and write the rate table a cost profile prices tasks with")
    .option('-o, --output <file>', 'write the profile JSON here (default: print it)')
    .option('--repeat <k>', 'timed runs per case after one warm-up; the best is kept', '3')
    .option('--quick', 'small sizes only (seconds; for a smoke test)')
    .option('--lambda-vcpu-factor <x>', 'how fast a Lambda vCPU is relative to one core of this machine (rates are multiplied by it)', '1')
    .option('--base <profile>', `the built-in profile whose platform the written profile extends: ${Object.keys(BUILTIN_PROFILES).join(', ')}`, 'aws')
    .action(async (flags: CalibrateFlags) => {
      // Checked before the minutes of measuring: a profile extending an unknown base is one every command refuses.
      if (builtinProfile(flags.base) === undefined) {
        throw new BadInputError(`--base "${flags.base}" is no built-in profile; built-in profiles: ${Object.keys(BUILTIN_PROFILES).join(', ')} (nothing was run)`);
      }
      const repeats = parseIntegerOption(flags.repeat, '--repeat', 3, 1);
      const factor = Number(flags.lambdaVcpuFactor);
      if (!(Number.isFinite(factor) && factor > 0)) throw new BadInputError(`--lambda-vcpu-factor must be a positive number, got "${flags.lambdaVcpuFactor}"`);
      const command = ['wukong calibrate', ...(flags.quick ? ['--quick'] : []), `--repeat ${repeats}`, ...(factor !== 1 ? [`--lambda-vcpu-factor ${factor}`] : [])].join(' ');
      const { table } = await calibrateKernels(createBuiltinRegistry(), {
        repeats,
        quick: flags.quick ?? false,
        lambdaVcpuFactor: factor,
        command,
        onSample: (s) => process.stderr.write(`  ${s.op.padEnd(16)} ${s.shapes.padEnd(28)} ${s.cpuMs.toFixed(2).padStart(10)} ms CPU\n`),
      });
      const text = `${JSON.stringify({ extends: flags.base, name: `${flags.base}-calibrated`, kernels: table }, null, 2)}\n`;
      if (flags.output) {
        await writeFile(flags.output, text);
        process.stdout.write(`wrote ${flags.output}: use it with --profile ${flags.output}\n`);
      } else process.stdout.write(text);
    });
}
