import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { lambdaConfigPath } from '../lambda-config-path.js';
import { BadInputError } from '../../model/errors.js';
import { collectRun, listRuns, liveRuns, runsOlderThan } from '../../runtime/garbage-collector.js';
import { LIVE_STALE_MS } from '../../runtime/run-liveness.js';
import { createExecutorStores } from '../../runtime/store-factory.js';
import { parseDuration } from '../parse-options.js';
import { withOptionGroup } from '../option-group.js';
import { STORE_OPTION_GROUP, type StoreFlags } from '../store-flags.js';
import { lambdaStores, loadLambdaConfig } from '../../runtime/lambda-config.js';
import type { StoreConfig } from '../../runtime/store-config.js';
import { DEFAULT_TTL_SECONDS } from '../../storage/coordinator.js';

interface GcFlags extends StoreFlags {
  lambdaConfig?: string;
  run?: string;
  olderThan?: string;
  force?: boolean;
  json?: boolean;
}

export function registerGcCommand(program: Command): void {
  const command = program
    .command('gc')
    .description("remove runs' coordination keys and intermediate objects from Redis / S3")
    .option('--run <id>', 'remove this run')
    .option('--older-than <duration>', 'remove every run created longer ago than this (e.g. 2h, 7d)');
  withOptionGroup(command, STORE_OPTION_GROUP, {
    redis: { description: 'the coordination store (and intermediates, without --s3-bucket)' },
    s3Bucket: { description: 'the intermediate store bucket (AWS_ENDPOINT_URL_S3 for a local server)' },
  })
    .option('--lambda-config <file>', "a Lambda deployment's stores instead of --redis / --s3-bucket: its Redis and S3 bucket (the file `local up` and `config from-stack` write: .wukong/lambda.json)")
    .option('--force', `remove runs whose client still follows them too (seen within ${LIVE_STALE_MS / 1000} s)`)
    .option('--json', 'print what was removed as JSON')
    .action(async (flags: GcFlags) => {
      if (flags.lambdaConfig !== undefined && (flags.redis || flags.s3Bucket)) throw new BadInputError('give --lambda-config or --redis / --s3-bucket, not both');
      // As `submit --backend lambda` does: with no stores named, the project's Lambda config (`local up`, `config from-stack`).
      if (!flags.redis && !flags.s3Bucket && flags.lambdaConfig === undefined) flags.lambdaConfig = projectLambdaConfig();
      if (!flags.redis && flags.lambdaConfig === undefined) throw new BadInputError('gc needs --redis URL (and --s3-bucket for S3 intermediates), or --lambda-config for a Lambda deployment (found by itself in the project root as .wukong/lambda.json, which `wukong local up` writes): the embedded backend keeps nothing after a run');
      if (!flags.run && !flags.olderThan) throw new BadInputError('say which runs: --run ID or --older-than DURATION');
      // `--run --force` would take "--force" as the run's id.
      if (flags.run?.startsWith('-')) throw new BadInputError(`--run needs a run id, got the option "${flags.run}"`);
      const stores = await createExecutorStores(await storesOf(flags));
      try {
        const candidates = flags.run ? [flags.run] : runsOlderThan(await listRuns(stores.coordinator), parseDuration(flags.olderThan as string, '--older-than'), Date.now());
        // A live run's executors would re-create the keys gc removes: leave it unless --force.
        const live = flags.force ? new Map<string, number>() : await liveRuns(stores.coordinator, candidates, Date.now());
        if (flags.run && live.has(flags.run)) {
          throw new BadInputError(`run ${flags.run} is live: its client was seen ${((live.get(flags.run) as number) / 1000).toFixed(1)} s ago; wait for it to end, or add --force`);
        }
        const removed = [];
        for (const runId of candidates) if (!live.has(runId)) removed.push(await collectRun(runId, stores.coordinator, stores.store));
        const skippedLive = [...live.keys()];
        if (flags.json) process.stdout.write(`${JSON.stringify({ removed, ...(skippedLive.length > 0 ? { skippedLive } : {}) })}\n`);
        else {
          for (const r of removed) {
            // A mistyped id removes nothing: say so rather than "removed".
            const nothing = r.coordinationKeys === 0 && r.objects === 0;
            process.stdout.write(nothing ? `run ${r.runId}: nothing to remove (no keys or objects of that run)\n` : `removed run ${r.runId}: ${r.coordinationKeys} keys, ${r.objects} objects\n`);
          }
          for (const runId of skippedLive) process.stdout.write(`left live run ${runId} (add --force to remove it)\n`);
          if (removed.length === 0 && skippedLive.length === 0) process.stdout.write('no runs to remove\n');
        }
      } finally {
        await stores.store.close();
        await stores.coordinator.close();
      }
    });
}

/** The project root's `.wukong/lambda.json` (as submit finds it), when there is one. */
function projectLambdaConfig(): string | undefined {
  const path = lambdaConfigPath(undefined);
  if (!existsSync(path)) return undefined;
  // Said on stderr (stdout stays clean for --json): gc removes things, so it names whose stores.
  process.stderr.write(`wukong: gc uses the stores of ${path}\n`);
  return path;
}

/** The stores gc collects from: a Lambda deployment's (its config), or the ones the flags name. */
async function storesOf(flags: GcFlags): Promise<StoreConfig> {
  if (flags.lambdaConfig === undefined) return STORE_OPTION_GROUP.fromFlags(flags);
  const config = await loadLambdaConfig(flags.lambdaConfig);
  return lambdaStores(config, DEFAULT_TTL_SECONDS);
}
