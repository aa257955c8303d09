import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerConfigCommand } from './commands/config.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerGcCommand } from './commands/gc.js';
import { registerReplayCommand } from './commands/replay.js';
import { registerImportWfcommonsCommand } from './commands/import-wfcommons.js';
import { registerSimulateCommand } from './commands/simulate.js';
import { registerMetadataCommand } from './commands/metadata.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerValidateCommand } from './commands/validate.js';

/** The package version: package.json is two levels up from src/cli, three from dist/src/cli. */
function packageVersion(): string {
  for (const relative of ['../../../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'wukong' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // not at this level; try the next
    }
  }
  return 'unknown';
}

const HELP_FOOTER = `
Examples:
  wukong validate workloads/examples/gemm-2x2.json
  wukong validate my-dag.json --json
  wukong submit workloads/examples/diamond.json --report run.json

Exit status: 0 success, 2 bad input (nothing was run or written), 1 a failed run.
Set WUKONG_DEBUG=1 to print stack traces.`;

/** The `wukong` program: each command lives in ./commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('wukong')
    .description('DAG workflows on serverless functions: decentralized executors (WUKONG 2.0), planners, a simulator')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help (also: wukong help <command>)')
    .addHelpText('after', HELP_FOOTER)
    .showHelpAfterError('(run with --help for usage)')
    // commander's own messages ("error: unknown option") get the same `wukong: ` prefix as ours.
    .configureOutput({ outputError: (text, write) => write(`wukong: ${text.replace(/^error: /, '')}`) });
  // Throw instead of exiting, so main() maps every failure to an exit code in one place.
  program.exitOverride();
  registerValidateCommand(program);
  registerSubmitCommand(program);
  registerReplayCommand(program);
  registerEmulatorCommand(program);
  registerGcCommand(program);
  registerConfigCommand(program);
  registerSimulateCommand(program);
  registerImportWfcommonsCommand(program);
  registerMetadataCommand(program);
  return program;
}
