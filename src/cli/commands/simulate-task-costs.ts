import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { BadInputError } from '../../model/errors.js';
import { DEFAULT_EXECUTORS_PER_THREAD } from '../../runtime/embedded/embedded-backend.js';
import type { Dag } from '../../dag/dag.js';
import { defaultMetadataText } from '../recording-location.js';
import type { OpRegistry } from '../../ops/registry.js';
import { buildOpRegistry } from '../../ops/user-ops.js';
import { emptyHistory, type MetadataHistory } from '../../metadata/metadata-history.js';
import { describeMetadataLocation, openMetadataStore, parseMetadataLocation, type MetadataLocation } from '../../metadata/metadata-location.js';
import { createCostModelEstimator, describeTaskCosts, type CostModelEstimator, type TaskKeyHistory } from '../../sim/cost-model-estimator.js';
import { fitLocalProfile } from '../../cost/local-profile.js';
import type { CostProfile, StoreKind } from '../../cost/profile.js';
import type { TargetPlatform } from '../../plan/task-costs.js';
import { parseIntegerOption } from '../parse-options.js';
import { warnSkippedRecords } from '../skipped-records-warning.js';
import { historyForProfile } from '../../sim/shared-core-history.js';

/** simulate's flags about where task costs and the `local` profile come from. */
export interface TaskCostFlags {
  /** A location, false for --no-metadata, undefined for the default location (planners, --profile local). */
  metadata?: string | false;
  /** `--history LOCATION`: task costs may come from this recorded history (same task key only). */
  history?: string;
  workers?: string;
}

export interface TaskCosts {
  readonly profile: CostProfile;
  readonly estimator: CostModelEstimator;
  /** What the task costs came from, for the summary. */
  readonly description: string;
}

export function localProfileFlagHelp(): string {
  return 'fitted from the --metadata history of embedded runs';
}

/**
 * The profile and task costs simulate uses (issue 15 item 3). Task costs come from the profile's
 * op cost models (then DAG hints, then defaults) whatever history sits in `.wukong/metadata`;
 * only `--history LOCATION` lets recorded history answer, and only for tasks of the same task key.
 * `--profile local` is fitted from the `--metadata` history (default location when not given) and
 * needs some.
 */
export async function loadTaskCosts(
  model: Dag,
  flags: TaskCostFlags & { profile: string },
  loadProfile: (nameOrFile: string) => Promise<CostProfile>,
  ops: OpRegistry = buildOpRegistry(),
): Promise<TaskCosts> {
  // A bad --metadata is bad input even where only the planners would read it.
  if (typeof flags.metadata === 'string') parseMetadataLocation(flags.metadata);
  let profile: CostProfile;
  if (flags.profile === 'local') {
    if (flags.metadata === false) throw new BadInputError('--profile local is fitted from metadata history; it cannot be used with --no-metadata');
    const explicit = typeof flags.metadata === 'string';
    const location = parseMetadataLocation(explicit ? (flags.metadata as string) : defaultMetadataText());
    const where = describeMetadataLocation(location);
    const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
    profile = fitLocalProfile(await loadHistory(location, explicit, '--metadata'), { threads, executorsPerThread: DEFAULT_EXECUTORS_PER_THREAD }, where);
  } else {
    if (flags.workers !== undefined) throw new BadInputError('--workers describes the embedded pool of --profile local; it means nothing for other profiles');
    profile = await loadProfile(flags.profile);
  }
  let history: TaskKeyHistory | undefined;
  if (flags.history !== undefined) {
    const location = parseMetadataLocation(flags.history);
    // The file store reads a missing directory as an empty history: a mistyped path would price every task from the profile, silently.
    if (location.kind === 'file' && !existsSync(location.dir)) throw new BadInputError(`--history ${location.dir}: no such directory`);
    history = { history: historyForProfile(await loadHistory(location, true, '--history'), profile), where: describeMetadataLocation(location) };
  }
  const estimator = createCostModelEstimator(model, ops, profile, history);
  return { profile, estimator, description: describeTaskCosts(estimator, profile) };
}

/**
 * The platform a plan for this simulation runs on: the simulator's profile, store and task costs,
 * so the planner's forecast is priced from the same source as the simulation (issue 15 item 7).
 */
export function simulatedPlatform(costs: TaskCosts, store: StoreKind): TargetPlatform {
  const { estimator } = costs;
  return { profile: costs.profile, store, tasks: { execMs: (id, mb) => estimator.execMs(id, mb), outputBytes: (id) => estimator.outputBytes(id), outputShares: (id) => estimator.outputShares?.(id), description: costs.description } };
}


async function loadHistory(location: MetadataLocation, explicit: boolean, flag: string): Promise<MetadataHistory> {
  if (location.kind === 'memory') throw new BadInputError(`${flag} memory: holds nothing for simulate: a new process starts with no history`);
  const store = await openMetadataStore(location);
  try {
    const history = await store.load();
    warnSkippedRecords(history, location);
    return history;
  } catch (error) {
    if (!explicit) return emptyHistory();
    throw new BadInputError(`${flag} ${describeMetadataLocation(location)}: cannot read the history: ${(error as Error).message}`, { cause: error });
  } finally {
    await store.close().catch(() => undefined);
  }
}
