import { cpus } from 'node:os';
import { executorThreadScript, startEarlyThreads } from '../runtime/embedded/early-threads.js';
import { quietSdkNodeVersionNotice } from '../storage/aws-sdk-node-notice.js';

/**
 * Called by bin/wukong.js before it loads the bundled CLI: for `wukong submit` on the embedded
 * backend, starts the executor threads the run will use (../runtime/embedded/early-threads.ts),
 * so their start-up overlaps the CLI's loading, instead of beginning once the DAG is read.
 *
 * It reads the few flags that decide the threads from the raw arguments, before commander parses
 * them: when they do not clearly ask for embedded threads (another backend, help), nothing starts.
 * A guess that turns out wrong costs only time: the pool starts what it needs (`--workers` above
 * the number of cores starts the rest then), ends what it does not take, and a bad flag is reported
 * by the command as before.
 */
export function startSubmitThreadsEarly(args: readonly string[]): void {
  if (args[0] !== 'submit' || args.some((arg) => arg === '--help' || arg === '-h')) return;
  const backend = flagValue(args, '--backend');
  if (backend !== undefined && backend !== 'embedded') return;
  const workers = flagValue(args, '--workers');
  const cores = cpus().length;
  const threads = workers !== undefined && /^\d+$/.test(workers.trim()) ? Number(workers) : cores;
  quietSdkNodeVersionNotice();
  // Capped at the cores: a thread beyond them starts no sooner for starting early.
  startEarlyThreads(executorThreadScript(false), Math.min(threads, cores));
}

/** The value of `--flag value` or `--flag=value` (the last one given), as commander reads it. */
function flagValue(args: readonly string[], flag: string): string | undefined {
  let value: string | undefined;
  args.forEach((arg, i) => {
    if (arg === flag) value = args[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  });
  return value;
}
