import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { projectRootDir } from '../project-root.js';
import { describeStopped, isOurs, localDown, localPaths, localUp, readLocalState, stoppedPieces, type LocalState } from '../local-stack.js';
import { exportHistory, historyAtStake } from '../local-history.js';
import { checkOutputFileArgument } from '../output-paths.js';

interface UpFlags {
  redis?: string;
  s3Endpoint?: string;
  bucket: string;
  tiers: string;
  json?: boolean;
}

/** `wukong local up | down | status`: redis-server, s3rver and the Lambda emulator as one local stack. */
export function registerLocalCommand(program: Command): void {
  const local = program
    .command('local')
    .description('run the Lambda path locally: redis-server, s3rver and the Lambda emulator on free ports; `--backend lambda` then needs no flags');
  local
    .command('up')
    .description('build the Lambda bundle if stale, start the stand-ins, write .wukong/lambda.json and .wukong/emulator-functions.json')
    .option('--redis <url>', 'use this Redis instead of starting redis-server')
    .option('--s3-endpoint <url>', 'use this S3 endpoint (its --bucket must exist, keys S3RVER/S3RVER) instead of starting s3rver')
    .option('--bucket <name>', 'bucket for intermediates', 'wukong')
    .option('--tiers <list>', 'memory tiers (MB): one emulated function each', '1769,3008')
    .option('--json', 'print the state as JSON')
    .action(async (flags: UpFlags) => {
      const tiersMb = flags.tiers.split(',').map((part) => Number(part.trim()));
      if (tiersMb.some((mb) => !Number.isInteger(mb) || mb < 128 || mb > 10_240)) throw new BadInputError(`--tiers: memory tiers in MB between 128 and 10240, got "${flags.tiers}"`);
      if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(flags.bucket)) throw new BadInputError(`--bucket: an S3 bucket name (3 to 63 lowercase letters, digits, dots and hyphens), got "${flags.bucket}"`);
      for (const [flag, url] of [['--redis', flags.redis], ['--s3-endpoint', flags.s3Endpoint]] as const) {
        if (url !== undefined && !URL.canParse(url)) throw new BadInputError(`${flag}: a URL, got "${url}"`);
      }
      const state = await localUp({
        projectDir: projectRootDir(),
        ...(flags.redis ? { redisUrl: flags.redis } : {}),
        ...(flags.s3Endpoint ? { s3Endpoint: flags.s3Endpoint } : {}),
        bucket: flags.bucket,
        tiersMb,
        log: (line) => process.stderr.write(`${line}\n`),
      });
      // The example DAG is there in a wukong checkout; a user project names its own.
      const example = existsSync('workloads/examples/gemm-2x2.json') ? 'workloads/examples/gemm-2x2.json' : 'YOUR-DAG.json';
      process.stdout.write(flags.json ? `${JSON.stringify(state)}\n` : `ok: local stack up\n${describe(state)}  next: wukong submit ${example} --backend lambda\n  stop: wukong local down\n`);
    });
  local
    .command('down')
    .description('stop exactly the processes `wukong local up` started (by PID) and remove its files; refuses while the stack\'s Redis holds run history, unless --keep-history or --discard-history')
    .option('--keep-history <file>', "export the Lambda runs' metadata history (the stack's Redis keeps it in memory only) to this file first, as `wukong metadata export` writes it")
    .option('--discard-history', "stop even though the stack's Redis holds metadata history (it is lost)")
    .action(async (flags: { keepHistory?: string; discardHistory?: boolean }) => {
      if (flags.keepHistory !== undefined && flags.discardHistory) throw new BadInputError('give --keep-history or --discard-history, not both');
      if (flags.keepHistory !== undefined) checkOutputFileArgument('--keep-history', flags.keepHistory);
      const root = projectRootDir();
      const state = readLocalState(root);
      if (!state) {
        process.stdout.write(`no local stack here (${localPaths(root).state} is absent)\n`);
        return;
      }
      if (!flags.discardHistory) await keepOrRefuse(state, flags.keepHistory);
      const { stopped } = await localDown(root);
      process.stdout.write(`ok: stopped ${stopped.map((p) => `${p.name} (pid ${p.pid})`).join(', ') || 'nothing (all had exited)'}\n`);
    });
  local
    .command('status')
    .description('what `wukong local up` started, and whether it still runs (exit 1 when a piece has stopped)')
    .option('--json', 'print the state as JSON, each process with `running`')
    .action((flags: { json?: boolean }) => {
      const state = readLocalState(projectRootDir());
      const stopped = state ? stoppedPieces(state) : [];
      // A stack with a stopped piece cannot serve runs: scripts checking `local status` must see it.
      if (stopped.length > 0) process.exitCode = 1;
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(state ? { ...state, processes: state.processes.map((p) => ({ ...p, running: isOurs(p) })) } : null)}\n`);
      } else {
        process.stdout.write(state ? `local stack (since ${state.startedAt})\n${describe(state)}` : 'no local stack (run `wukong local up`)\n');
      }
      if (stopped.length > 0) process.stderr.write(`wukong: the local stack is partly down: ${describeStopped(stopped)}; restart it: \`wukong local down\`, then \`wukong local up\`\n`);
    });
}

/**
 * `down` stops the stack's redis-server, which keeps the Lambda runs' history in memory only:
 * export it first when asked, else refuse while it holds records (it used to drop them silently).
 */
async function keepOrRefuse(state: LocalState, keepHistory: string | undefined): Promise<void> {
  const atStake = await historyAtStake(state);
  if (keepHistory !== undefined) {
    if (atStake === undefined) {
      process.stdout.write(`--keep-history: nothing to export; the history is in ${state.redisUrl}, which \`local down\` does not stop\n`);
      return;
    }
    await exportHistory(atStake.history, keepHistory);
    process.stdout.write(`exported ${atStake.count} records from ${atStake.url} to ${keepHistory} (\`wukong metadata import ${keepHistory} --metadata URL\` reads them back)\n`);
    return;
  }
  if (atStake === undefined || atStake.count === 0) return;
  throw new BadInputError(
    `the stack's Redis (${atStake.url}) holds ${atStake.count} metadata records of the Lambda runs, kept in memory only; \`local down\` would drop them. ` +
      `Keep them: \`wukong local down --keep-history FILE\` (the same as \`wukong metadata export FILE --metadata ${atStake.url}\`, then stopping), ` +
      'or drop them: `wukong local down --discard-history` (nothing was stopped)',
  );
}

function describe(state: LocalState): string {
  const lines = state.processes.map((p) => `  ${p.name.padEnd(9)} ${isOurs(p) ? 'running' : 'STOPPED'}  pid ${p.pid}  ${p.url}  (log ${p.log})`);
  const started = new Set(state.processes.map((p) => p.name));
  if (!started.has('redis')) lines.push(`  redis     reused   ${state.redisUrl}`);
  if (!started.has('s3rver')) lines.push(`  s3        reused   ${state.s3Endpoint}`);
  lines.push(`  config    ${state.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
