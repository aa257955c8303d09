import { cpus } from 'node:os';
import { BadInputError } from '../../model/errors.js';
import { DEFAULT_EXECUTORS_PER_THREAD } from '../../runtime/embedded/embedded-backend.js';
import type { Dag } from '../../dag/dag.js';
import { describeDagTasks } from '../../metadata/dag-descriptors.js';
import { defaultMetadataText } from '../recording-location.js';
import type { OpRegistry } from '../../ops/registry.js';
import { buildOpRegistry } from '../../ops/user-ops.js';
import { emptyHistory, type MetadataHistory } from '../../metadata/metadata-history.js';
import { describeMetadataLocation, openMetadataStore, parseMetadataLocation, type MetadataLocation } from '../../metadata/metadata-location.js';
import type { EstimatorGraph } from '../../sim/history-task-estimator.js';
import { historyTaskEstimatorForDag } from '../../sim/history-task-descriptors.js';
import { fitLocalProfile } from '../../cost/local-profile.js';
import type { CostProfile } from '../../cost/profile.js';
import type { TaskEstimator } from '../../sim/task-estimates.js';
import { parseIntegerOption } from '../parse-options.js';
import { warnSkippedRecords } from '../skipped-records-warning.js';

/** simulate's flags about where task costs and the `local` profile come from. */
export interface TaskCostFlags {
  /** A location, false for --no-metadata, undefined for the default location. */
  metadata?: string | false;
  workers?: string;
}

export interface TaskCosts {
  readonly profile: CostProfile;
  /** Undefined: estimate from the DAG itself (args and hints). */
  readonly estimator: TaskEstimator | undefined;
  /** What the task costs came from, for the summary. */
  readonly description: string;
}

export function localProfileFlagHelp(): string {
  return 'fitted from the --metadata history of embedded runs';
}

/**
 * Reads the metadata history simulate uses:
 * - `--metadata LOCATION`: that history; a location that cannot be read is an error;
 * - no flag: the default location `wukong submit` records to, when it has records (a missing or
 *   unreadable default is no history: the DAG estimator, as before history existed);
 * - `--no-metadata`: no history.
 * With task records, task costs come from the metadata predictor; `--profile local` is fitted from
 * the same history and needs some.
 */
export async function loadTaskCosts(
  dag: EstimatorGraph,
  model: Dag,
  flags: TaskCostFlags & { profile: string },
  loadProfile: (nameOrFile: string) => Promise<CostProfile>,
  ops: OpRegistry = buildOpRegistry(),
): Promise<TaskCosts> {
  const explicit = typeof flags.metadata === 'string';
  const location: MetadataLocation | undefined =
    flags.metadata === false ? undefined : explicit ? parseMetadataLocation(flags.metadata as string) : parseMetadataLocation(defaultMetadataText());
  const where = location ? describeMetadataLocation(location) : '--no-metadata';
  const history = location ? await loadHistory(location, explicit) : emptyHistory();

  let profile: CostProfile;
  if (flags.profile === 'local') {
    if (!location) throw new BadInputError('--profile local is fitted from metadata history; it cannot be used with --no-metadata');
    const threads = parseIntegerOption(flags.workers, '--workers', cpus().length, 1);
    profile = fitLocalProfile(history, { threads, executorsPerThread: DEFAULT_EXECUTORS_PER_THREAD }, where);
  } else {
    if (flags.workers !== undefined) throw new BadInputError('--workers describes the embedded pool of --profile local; it means nothing for other profiles');
    profile = await loadProfile(flags.profile);
  }

  if (history.tasks.length === 0) return { profile, estimator: undefined, description: 'DAG args and hints (no task history)' };
  const estimator = historyTaskEstimatorForDag(dag, history, profile, { staticDescriptors: describeDagTasks(model, ops) });
  return { profile, estimator, description: `history of ${where} (${history.tasks.length} task records)` };
}

async function loadHistory(location: MetadataLocation, explicit: boolean): Promise<MetadataHistory> {
  if (location.kind === 'memory') throw new BadInputError('--metadata memory: holds nothing for simulate: a new process starts with no history');
  const store = await openMetadataStore(location);
  try {
    const history = await store.load();
    warnSkippedRecords(history, location);
    return history;
  } catch (error) {
    if (!explicit) return emptyHistory();
    throw new BadInputError(`--metadata ${describeMetadataLocation(location)}: cannot read the history: ${(error as Error).message}`, { cause: error });
  } finally {
    await store.close().catch(() => undefined);
  }
}

