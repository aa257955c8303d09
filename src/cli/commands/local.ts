import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { projectRootDir } from '../project-root.js';
import { isOurs, localDown, localPaths, localUp, readLocalState, type LocalState } from '../local-stack.js';

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
      process.stdout.write(flags.json ? `${JSON.stringify(state)}\n` : `ok: local stack up\n${describe(state)}  next: wukong submit workloads/examples/gemm-2x2.json --backend lambda\n  stop: wukong local down\n`);
    });
  local
    .command('down')
    .description('stop exactly the processes `wukong local up` started (by PID) and remove its files')
    .action(async () => {
      const root = projectRootDir();
      const { stopped, state } = await localDown(root);
      if (!state) {
        process.stdout.write(`no local stack here (${localPaths(root).state} is absent)\n`);
        return;
      }
      process.stdout.write(`ok: stopped ${stopped.map((p) => `${p.name} (pid ${p.pid})`).join(', ') || 'nothing (all had exited)'}\n`);
    });
  local
    .command('status')
    .description('what `wukong local up` started, and whether it still runs')
    .option('--json', 'print the state as JSON, each process with `running`')
    .action((flags: { json?: boolean }) => {
      const state = readLocalState(projectRootDir());
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(state ? { ...state, processes: state.processes.map((p) => ({ ...p, running: isOurs(p) })) } : null)}\n`);
        return;
      }
      process.stdout.write(state ? `local stack (since ${state.startedAt})\n${describe(state)}` : 'no local stack (run `wukong local up`)\n');
    });
}

function describe(state: LocalState): string {
  const lines = state.processes.map((p) => `  ${p.name.padEnd(9)} ${isOurs(p) ? 'running' : 'STOPPED'}  pid ${p.pid}  ${p.url}  (log ${p.log})`);
  const started = new Set(state.processes.map((p) => p.name));
  if (!started.has('redis')) lines.push(`  redis     reused   ${state.redisUrl}`);
  if (!started.has('s3rver')) lines.push(`  s3        reused   ${state.s3Endpoint}`);
  lines.push(`  config    ${state.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
