import { Command } from 'commander';
import { checkOutputPaths } from './output-paths.js';
import { packageVersion } from './package-version.js';

const HELP_FOOTER = `
Examples:
  wukong validate workloads/examples/gemm-2x2.json
  wukong validate my-dag.json --json
  wukong submit workloads/examples/diamond.json --report run.json

Exit status: 0 success, 2 bad input (nothing was run or written), 1 a failed run.
Set WUKONG_DEBUG=1 to print stack traces.`;

type Register = (program: Command) => void;

/**
 * Each command's module, loaded on demand: a command pulls in what it needs (the AWS SDK, ioredis,
 * Arrow, the simulator), and loading all of them cost every call about a second of start-up.
 */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  ops: async () => (await import('./commands/ops.js')).registerOpsCommand,
  bundle: async () => (await import('./commands/bundle.js')).registerBundleCommand,
  submit: async () => (await import('./commands/submit.js')).registerSubmitCommand,
  replay: async () => (await import('./commands/replay.js')).registerReplayCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  simulate: async () => (await import('./commands/simulate.js')).registerSimulateCommand,
  report: async () => (await import('./commands/report.js')).registerReportCommand,
  metadata: async () => (await import('./commands/metadata.js')).registerMetadataCommand,
  import: async () => (await import('./commands/import-wfcommons.js')).registerImportWfcommonsCommand,
  emulator: async () => (await import('./commands/emulator.js')).registerEmulatorCommand,
  gc: async () => (await import('./commands/gc.js')).registerGcCommand,
  cache: async () => (await import('./commands/cache.js')).registerCacheCommand,
  config: async () => (await import('./commands/config.js')).registerConfigCommand,
  bench: async () => (await import('./commands/bench.js')).registerBenchCommand,
  local: async () => (await import('./commands/local.js')).registerLocalCommand,
  generate: async () => (await import('./commands/generate.js')).registerGenerateCommand,
  calibrate: async () => (await import('./commands/calibrate.js')).registerCalibrateCommand,
};

/**
 * The `wukong` program: each command lives in ./commands/<name>.ts. With `argv`, only the command
 * it names is loaded (help, no command or an unknown one: all of them, so help lists every one).
 */
/**
 * The arguments commander parses: `wukong nosuch --help` would print the main help and exit 0,
 * hiding the typo, so after a word that names no command the help flags are dropped and commander
 * reports the unknown command (with its "did you mean"), exit 2, as it does without them.
 */
export function argvForParse(argv: readonly string[]): string[] {
  const named = argv[2];
  const unknownCommand = named !== undefined && !named.startsWith('-') && named !== 'help' && !(named in COMMANDS);
  return unknownCommand ? argv.filter((arg, i) => i < 3 || (arg !== '--help' && arg !== '-h')) : [...argv];
}

export async function buildProgram(argv?: readonly string[]): Promise<Command> {
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
  // Output paths are checked before any command runs anything (exit 2, nothing run or written).
  program.hook('preAction', (_program, actionCommand) => checkOutputPaths(actionCommand));
  const named = argv?.[2];
  const names = named !== undefined && named in COMMANDS ? [named] : Object.keys(COMMANDS);
  const registers = await Promise.all(names.map((name) => (COMMANDS[name] as () => Promise<Register>)()));
  for (const register of registers) register(program);
  return program;
}
