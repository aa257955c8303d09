import { CommanderError } from 'commander';
import { DagValidationError, describeInvalidDag, formatProblem } from '../dag/validate.js';
import { BadInputError, WukongError } from '../model/errors.js';
import { argvForParse, buildProgram } from './program.js';
import { quietSdkNodeVersionNotice } from '../storage/aws-sdk-node-notice.js';

/**
 * The CLI entry: runs a command and maps errors to exit codes: 2 for bad input (nothing was run
 * or written), 1 for a failed run. No stack traces unless WUKONG_DEBUG=1.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await (await buildProgram(argv)).parseAsync(argvForParse(argv));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}

/** Problems of an invalid DAG printed one a line; the rest are counted. */
const MAX_PROBLEM_LINES = 20;

function reportError(error: unknown): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (or help/version, which exit 0).
    return error.exitCode === 0 ? 0 : 2;
  }
  if (process.env.WUKONG_DEBUG === '1' && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  if (error instanceof DagValidationError) {
    // One write: a generated DAG can have thousands of problems.
    // A generated DAG can repeat one mistake 200,000 times: the first few lines, then a count.
    const shown = error.problems.slice(0, MAX_PROBLEM_LINES).map((problem) => `  ${formatProblem(problem)}`);
    const more = error.problems.length - shown.length;
    const lines = [`wukong: ${describeInvalidDag(error.problems.length, error.source)}`, ...shown];
    if (more > 0) lines.push(`  ... and ${more.toLocaleString('en-US')} more (wukong validate --json lists them all)`);
    process.stderr.write(`${lines.join('\n')}\n`);
    return 2;
  }
  if (error instanceof BadInputError) {
    process.stderr.write(`wukong: ${error.message}\n`);
    return 2;
  }
  if (error instanceof WukongError) {
    process.stderr.write(`wukong: ${error.message}\n`);
    return 1;
  }
  process.stderr.write(`wukong: unexpected error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

// Before anything loads the SDK, also for the children this process spawns (emulator, stack).
quietSdkNodeVersionNotice();

/** `wukong replay --list | head`: a reader that closes the pipe early ends the command quietly. */
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

/**
 * Once a command is done, the process ends within this long even if a store client still holds a
 * socket: a frozen Redis (SIGSTOP) keeps its connections open, and a client would otherwise wait
 * out its command timeout (a minute per command) before letting the process go.
 */
const EXIT_GRACE_MS = 1_000;

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  },
  () => {
    process.exitCode = 1;
  },
);
