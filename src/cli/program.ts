import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerGcCommand } from './commands/gc.js';
import { registerSubmitCommand } from './commands/submit.js';
import { registerValidateCommand } from './commands/validate.js';

function packageVersion(): string {
  const file = new URL('../../../package.json', import.meta.url);
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The `wukong` program: each command lives in ./commands/<name>.ts. */
export function buildProgram(): Command {
  const program = new Command('wukong')
    .description('DAG workflows on serverless functions: decentralized executors (WUKONG 2.0), planners, a simulator')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)');
  program.exitOverride();
  registerValidateCommand(program);
  registerSubmitCommand(program);
  registerGcCommand(program);
  return program;
}
