import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { loadFunctionsFile } from '../../emulator/functions-file.js';
import { DEFAULT_ACCOUNT_CONCURRENCY, LambdaEmulator, type InvocationRecord } from '../../emulator/lambda-emulator.js';
import { parseDuration, parseIntegerOption } from '../parse-options.js';

interface EmulatorFlags {
  port: string;
  host: string;
  concurrency: string;
  functions: string;
  idle: string;
  asyncRetryDelays: string;
  quiet?: boolean;
}

export const DEFAULT_FUNCTIONS_FILE = '.wukong/emulator-functions.json';

/** Variables of this shell that environments inherit: the tools' PATH and the AWS credentials, as a role would give. */
const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG', 'NODE_OPTIONS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** `wukong emulator`: the local Lambda (Invoke API) for the executor bundle and the integration tests. */
export function registerEmulatorCommand(program: Command): void {
  program
    .command('emulator')
    .description('serve the AWS Lambda Invoke API locally, running bundled handlers in child processes (see `npm run bundle`)')
    .option('--port <n>', 'port to listen on (0: any free port)', '9001')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--concurrency <n>', 'concurrent executions in the account; more are throttled (sync) or queued (Event)', String(DEFAULT_ACCOUNT_CONCURRENCY))
    .option('--functions <file>', 'functions file (JSON: name, bundle, handler, memoryMb, timeoutSeconds, environment)', DEFAULT_FUNCTIONS_FILE)
    .option('--idle <duration>', 'shut down a warm environment idle this long', '10m')
    .option('--async-retry-delays <list>', 'delays before the retries of a failed Event invocation (Lambda: two)', '60s,120s')
    .option('--quiet', "do not print the functions' log lines")
    .action(async (flags: EmulatorFlags) => {
      const functions = await loadFunctionsFile(flags.functions);
      const retryDelaysMs = flags.asyncRetryDelays
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '')
        .map((part) => parseDuration(part, '--async-retry-delays'));
      if (retryDelaysMs.length > 2) throw new BadInputError('--async-retry-delays: Lambda retries a failed Event invocation at most twice');
      const inherited: Record<string, string> = {};
      for (const name of INHERITED_VARIABLES) {
        const value = process.env[name];
        if (value !== undefined) inherited[name] = value;
      }
      const emulator = await LambdaEmulator.start({
        functions,
        host: flags.host,
        port: parseIntegerOption(flags.port, '--port', 9001, 0),
        accountConcurrency: parseIntegerOption(flags.concurrency, '--concurrency', DEFAULT_ACCOUNT_CONCURRENCY, 1),
        idleExpiryMs: parseDuration(flags.idle, '--idle'),
        asyncRetryDelaysMs: retryDelaysMs,
        baseEnvironment: inherited,
        ...(flags.quiet ? {} : { onLogLine: (name: string, line: string) => process.stderr.write(`[${name}] ${line}\n`) }),
        onInvocation: (record) => reportFailure(record),
      }).catch((error: unknown) => {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new BadInputError(`port ${flags.port} is in use; pick another with --port`);
        throw error;
      });
      process.stdout.write(`wukong emulator listening on ${emulator.url}\n`);
      for (const f of functions) {
        process.stdout.write(`  ${f.name}: ${f.memoryMb} MB, timeout ${f.timeoutSeconds} s, ${f.bundlePath}#${f.handlerExport}\n`);
      }
      process.stdout.write('Ctrl-C stops it.\n');
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await emulator.stop();
      for (const name of emulator.functionNames) {
        const s = emulator.stats(name);
        process.stdout.write(
          `${name}: ${s.invocations} invocations, ${s.coldStarts} cold, ${s.functionErrors + s.runtimeErrors} errors, ` +
            `${s.timeouts} timeouts, ${s.throttles} throttled, ${s.asyncDropped} events dropped\n`,
        );
      }
    });
}

function reportFailure(record: InvocationRecord): void {
  if (record.outcome === 'ok') return;
  const retry = record.invocationType === 'Event' ? ` (attempt ${record.attempt + 1})` : '';
  process.stderr.write(`wukong emulator: ${record.functionName} ${record.invocationType}${retry} ${record.outcome}: ${record.error?.errorType}: ${record.error?.errorMessage}\n`);
}
