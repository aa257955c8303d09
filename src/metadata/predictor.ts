import { cpuShareOf } from './cpu-share.js';
import { fitModel, predictWithModel, type FittedModel } from './fitted-model.js';
import { latencyPriorStatistic } from './latency-prior.js';
import { fitPowerLaw, predictWithPowerLaw, type PowerLawModel } from './power-law-fit.js';
import type { ExecutionTimeEstimate, MetadataAccess, TaskDescriptor } from './metadata-access.js';
import type { MetadataHistory } from './metadata-history.js';
import { PREDICTION_DEFAULTS, type PredictionDefaults } from './prediction-defaults.js';
import type { StoreKind, TaskRecord, TransferDirection, TransferRecord, WorkerConfig } from './records.js';
import { DEFAULT_SLA, resolveSla, type Sla } from './sla.js';
import { slaStatisticOfSorted, sortedAscending } from './statistics.js';

/**
 * Which level of the fallback order answered a task prediction (DESIGN.md §3, extended):
 * `task` (this id's history), `taskKey`, `shape` (output sizes only: the descriptor's statically
 * derived output bytes), `op` (same op and input count, any shapes: a power law of bytes),
 * `hint`, `default`.
 */
export type TaskPredictionSource = 'task' | 'taskKey' | 'shape' | 'op' | 'hint' | 'default';
/** Transfers: this store kind's recorded transfers in that direction, or the defaults. */
export type TransferPredictionSource = 'store' | 'default';
/** Start-ups: this tier's records, every tier's records (start-up barely depends on memory), or the defaults. */
export type StartupPredictionSource = 'tier' | 'allTiers' | 'default';

export interface ExecutionTimeExplanation<C extends WorkerConfig = WorkerConfig> {
  readonly source: TaskPredictionSource;
  /** Records behind the answer (0 for hints and defaults). */
  readonly samples: number;
  /** The time at one full vCPU; each estimate divides it by the config's CPU share. */
  readonly referenceMs: number;
  readonly estimates: ExecutionTimeEstimate<C>[];
}

export interface OutputSizeExplanation {
  readonly source: TaskPredictionSource;
  readonly samples: number;
  readonly bytes: number;
}

export interface TransferTimeExplanation {
  readonly source: TransferPredictionSource;
  readonly samples: number;
  readonly store: StoreKind;
  readonly ms: number;
}

export interface StartupExplanation {
  readonly source: StartupPredictionSource;
  readonly samples: number;
  readonly ms: number;
}

export interface MetadataPredictorOptions {
  /** The statistic when a call names no SLA (default: median). */
  readonly defaultSla?: Sla;
  /**
   * The store kind a transfer prediction means when a call names none. Default: the kind with the
   * most recorded transfers in that direction, else s3.
   */
  readonly defaultStore?: StoreKind;
  readonly defaults?: PredictionDefaults;
}

interface LevelModel {
  readonly source: 'task' | 'taskKey';
  readonly model: FittedModel;
}

/**
 * MetadataAccess over a loaded MetadataHistory. Fallback order for tasks: the task id's own
 * records (only those with the descriptor's taskKey, so a same-named task of another DAG does not
 * count), then its taskKey's records from any run and DAG, then (output sizes) the descriptor's
 * statically derived output bytes, then the records of the same op with as many inputs, whatever
 * their shapes (a power law of bytes, ./power-law-fit.ts: a block size never run before is
 * predicted from the sizes that were), then the DAG's hints, then PREDICTION_DEFAULTS.
 * The task and taskKey levels fit a robust line (./robust-fit.ts) of y against input bytes and
 * scale it by the SLA's statistic of the residual ratios (./fitted-model.ts):
 * - execution time: y = execMs × the recorded worker's CPU share, i.e. the time at one full vCPU;
 *   a config's estimate divides by its own share (./cpu-share.ts);
 * - output size: y = outputBytes.
 * Models are fitted lazily, once per task id / taskKey / store, and kept: the history is fixed.
 * A task id with no descriptor is still answered, from records with that id, or the defaults.
 */
export class MetadataPredictor implements MetadataAccess {
  private readonly descriptors = new Map<string, TaskDescriptor>();
  private readonly tasksById = new Map<string, TaskRecord[]>();
  private readonly tasksByKey = new Map<string, TaskRecord[]>();
  private readonly transfersByStore = new Map<string, TransferRecord[]>();
  private readonly startupMsByGroup = new Map<string, number[]>();
  private readonly execModels = newLevelCache();
  private readonly outputModels = newLevelCache();
  private readonly tasksByOpArity = new Map<string, TaskRecord[]>();
  private readonly opExecModels = new Map<string, PowerLawModel | null>();
  private readonly opOutputModels = new Map<string, PowerLawModel | null>();
  private readonly transferModels = new Map<string, FittedModel | undefined>();
  private readonly sortedStartups = new Map<string, Float64Array>();
  private readonly defaultSla: Sla;
  private readonly defaults: PredictionDefaults;
  private readonly defaultStores: Readonly<Record<TransferDirection, StoreKind>>;

  constructor(history: MetadataHistory, tasks: Iterable<TaskDescriptor> = [], options: MetadataPredictorOptions = {}) {
    for (const task of tasks) this.descriptors.set(task.taskId, task);
    for (const record of history.tasks) {
      pushTo(this.tasksById, record.taskId, record);
      pushTo(this.tasksByKey, record.taskKey, record);
      pushTo(this.tasksByOpArity, opArityGroup(record.op, record.taskKey), record);
    }
    for (const record of history.transfers) pushTo(this.transfersByStore, transferGroup(record.store, record.direction), record);
    for (const record of history.invokes) {
      pushTo(this.startupMsByGroup, startupGroup(record.cold, record.tier), record.startupMs);
      pushTo(this.startupMsByGroup, startupGroup(record.cold, undefined), record.startupMs);
    }
    this.defaultSla = resolveSla(options.defaultSla ?? DEFAULT_SLA);
    this.defaults = options.defaults ?? PREDICTION_DEFAULTS;
    this.defaultStores = {
      get: options.defaultStore ?? mostRecordedStore(history.transfers, 'get'),
      put: options.defaultStore ?? mostRecordedStore(history.transfers, 'put'),
    };
  }

  predictExecutionTime<C extends WorkerConfig>(taskId: string, inputBytes: number | undefined, configs: readonly C[], sla?: Sla): ExecutionTimeEstimate<C>[] {
    return this.explainExecutionTime(taskId, inputBytes, configs, sla).estimates;
  }

  explainExecutionTime<C extends WorkerConfig>(taskId: string, inputBytes: number | undefined, configs: readonly C[], slaInput?: Sla): ExecutionTimeExplanation<C> {
    const sla = this.sla(slaInput);
    const task = this.descriptors.get(taskId);
    const x = checkedBytes(inputBytes ?? task?.inputBytes ?? 0, 'inputBytes');
    const level = this.levelModel(this.execModels, taskId, task, (r) => r.execMs * cpuShareOf(r.worker));
    let answer: { source: TaskPredictionSource; samples: number; referenceMs: number };
    // A stated duration beats the op's curve over other args and sizes (issue 15 item 3: a delayMs
    // hint is not overruled by the history of the same op without the delay).
    const opLevel = level || this.hintBeatsOpCurve(task) ? undefined : this.opExecModel(task, inputBytes);
    if (level) answer = { source: level.source, samples: level.model.samples, referenceMs: predictWithModel(level.model, x, sla) };
    else if (opLevel && task) {
      // The op's curve is over all bytes a task touches, so sources (no input) sit on it too.
      const outputBytes = task.outputBytes ?? this.explainOutputSize(taskId, x, sla).bytes;
      answer = { source: 'op', samples: opLevel.samples, referenceMs: predictWithPowerLaw(opLevel, x + outputBytes, sla) };
    } else if (task?.hints?.durationMs !== undefined) answer = { source: 'hint', samples: 0, referenceMs: task.hints.durationMs };
    else answer = { source: 'default', samples: 0, referenceMs: this.defaults.execMs };
    return { ...answer, estimates: configs.map((config) => ({ config, ms: answer.referenceMs / cpuShareOf(config) })) };
  }

  predictOutputSize(taskId: string, inputBytes: number | undefined, sla?: Sla): number {
    return this.explainOutputSize(taskId, inputBytes, sla).bytes;
  }

  explainOutputSize(taskId: string, inputBytes: number | undefined, slaInput?: Sla): OutputSizeExplanation {
    const sla = this.sla(slaInput);
    const task = this.descriptors.get(taskId);
    const x = checkedBytes(inputBytes ?? task?.inputBytes ?? 0, 'inputBytes');
    const level = this.levelModel(this.outputModels, taskId, task, (r) => r.outputBytes);
    if (level) return { source: level.source, samples: level.model.samples, bytes: Math.round(predictWithModel(level.model, x, sla)) };
    if (task?.outputBytes !== undefined) return { source: 'shape', samples: 0, bytes: task.outputBytes };
    const opLevel = x > 0 ? this.opModel(this.opOutputModels, task, (r) => r.inputBytes, (r) => r.outputBytes) : undefined;
    if (opLevel) return { source: 'op', samples: opLevel.samples, bytes: Math.round(predictWithPowerLaw(opLevel, x, sla)) };
    if (task?.hints?.outputBytes !== undefined) return { source: 'hint', samples: 0, bytes: task.hints.outputBytes };
    const bytes = x > 0 ? Math.round(x * this.defaults.outputBytesPerInputByte) : this.defaults.sourceOutputBytes;
    return { source: 'default', samples: 0, bytes };
  }

  predictRemoteDownloadTime(bytes: number, sla?: Sla, store?: StoreKind): number {
    return this.explainTransferTime('get', bytes, sla, store).ms;
  }

  predictUploadTime(bytes: number, sla?: Sla, store?: StoreKind): number {
    return this.explainTransferTime('put', bytes, sla, store).ms;
  }

  /**
   * Transfer time = request latency + bytes / bandwidth, fitted per store kind and direction
   * (intercept = latency, slope = 1 / bandwidth); with one recorded size only, the line runs from
   * the default latency through the median of the records.
   */
  explainTransferTime(direction: TransferDirection, bytes: number, slaInput?: Sla, store?: StoreKind): TransferTimeExplanation {
    const sla = this.sla(slaInput);
    checkedBytes(bytes, 'bytes');
    const kind = store ?? this.defaultStores[direction];
    const fallback = (this.defaults.transfers[kind] ?? this.defaults.transfers.s3)[direction];
    const group = transferGroup(kind, direction);
    let model = this.transferModels.get(group);
    if (!this.transferModels.has(group)) {
      const records = this.transfersByStore.get(group);
      model = records ? fitModel(records.map((r) => ({ x: r.bytes, y: r.ms })), { kind: 'anchored', intercept: fallback.latency.medianMs }) : undefined;
      this.transferModels.set(group, model);
    }
    if (model) return { source: 'store', samples: model.samples, store: kind, ms: predictWithModel(model, bytes, sla) };
    const bytesPerMs = fallback.megabytesPerSecond * 1000;
    return { source: 'default', samples: 0, store: kind, ms: latencyPriorStatistic(fallback.latency, sla) + bytes / bytesPerMs };
  }

  predictColdStartMs(tierMb: number, sla?: Sla): number {
    return this.explainStartup(true, tierMb, sla).ms;
  }

  predictWarmStartMs(tierMb: number, sla?: Sla): number {
    return this.explainStartup(false, tierMb, sla).ms;
  }

  /** The SLA's statistic of recorded start-up times: this tier's, else every tier's, else the default prior. */
  explainStartup(cold: boolean, tierMb: number, slaInput?: Sla): StartupExplanation {
    const sla = this.sla(slaInput);
    for (const [source, tier] of [['tier', tierMb], ['allTiers', undefined]] as const) {
      const sorted = this.sortedStartupMs(startupGroup(cold, tier));
      if (sorted) return { source, samples: sorted.length, ms: slaStatisticOfSorted(sorted, sla) };
    }
    return { source: 'default', samples: 0, ms: latencyPriorStatistic(cold ? this.defaults.coldStart : this.defaults.warmStart, sla) };
  }

  /** The caller's SLA (or its text form, from plug-in JavaScript), else the default. */
  private sla(input: Sla | undefined): Sla {
    return input === undefined ? this.defaultSla : resolveSla(input);
  }

  private sortedStartupMs(group: string): Float64Array | undefined {
    let sorted = this.sortedStartups.get(group);
    if (!sorted) {
      const samples = this.startupMsByGroup.get(group);
      if (!samples) return undefined;
      sorted = sortedAscending(samples);
      this.sortedStartups.set(group, sorted);
    }
    return sorted;
  }

  /**
   * A stated duration beats the op's curve when no record of the op had this task's args (issue 15
   * item 3): the curve spans sizes, not args, so `matrix.add {delayMs: 500}` with a 500 ms hint is
   * not predicted from the history of `matrix.add` without the delay.
   */
  private hintBeatsOpCurve(task: TaskDescriptor | undefined): boolean {
    if (task?.hints?.durationMs === undefined) return false;
    const args = argsOfKey(task.taskKey);
    return !(this.tasksByOpArity.get(opArityGroup(task.op, task.taskKey)) ?? []).some((r) => argsOfKey(r.taskKey) === args);
  }

  /**
   * The same-op level of execution time: needs the task's input bytes (from the call or the
   * descriptor) unless the op reads nothing, since it places the task on the op's size curve.
   */
  private opExecModel(task: TaskDescriptor | undefined, inputBytes: number | undefined): PowerLawModel | undefined {
    if (!task || (inputBytes === undefined && task.inputBytes === undefined && inputCountOfKey(task.taskKey) > 0)) return undefined;
    return this.opModel(this.opExecModels, task, (r) => r.inputBytes + r.outputBytes, (r) => r.execMs * cpuShareOf(r.worker));
  }

  /**
   * A power law (./power-law-fit.ts) of y against x over every record of the task's op with as
   * many inputs as the task has, whatever their shapes: a new block size of a known op is then
   * predicted from the sizes seen. Same input count because an op's cost per byte depends on it
   * (matrix.add of 2 blocks or of 16). Args are not compared: an op whose args change its work
   * per byte (synthetic.work's ms) gets a rough answer here, which is why this level comes after
   * the task key's.
   */
  private opModel(cache: Map<string, PowerLawModel | null>, task: TaskDescriptor | undefined, x: (r: TaskRecord) => number, y: (r: TaskRecord) => number): PowerLawModel | undefined {
    if (!task) return undefined;
    const group = opArityGroup(task.op, task.taskKey);
    let model = cache.get(group);
    if (model === undefined) {
      const records = this.tasksByOpArity.get(group) ?? [];
      model = fitPowerLaw(records.map((r) => ({ x: x(r), y: y(r) }))) ?? null;
      cache.set(group, model);
    }
    return model ?? undefined;
  }

  /**
   * The first history level with records for this task: its own id's, then its taskKey's. Both
   * the answer per task id and the fit per taskKey are kept, so a repeat call is two map lookups.
   */
  private levelModel(cache: LevelCache, taskId: string, task: TaskDescriptor | undefined, y: (record: TaskRecord) => number): LevelModel | undefined {
    const known = cache.byTaskId.get(taskId);
    if (known !== undefined) return known ?? undefined;
    let level: LevelModel | null = null;
    const ownRecords = (this.tasksById.get(taskId) ?? []).filter((r) => task === undefined || r.taskKey === task.taskKey);
    if (ownRecords.length > 0) level = { source: 'task', model: fitTaskModel(ownRecords, y) };
    else if (task) {
      let keyModel = cache.byTaskKey.get(task.taskKey);
      if (keyModel === undefined) {
        const keyRecords = this.tasksByKey.get(task.taskKey);
        keyModel = keyRecords ? fitTaskModel(keyRecords, y) : null;
        cache.byTaskKey.set(task.taskKey, keyModel);
      }
      if (keyModel) level = { source: 'taskKey', model: keyModel };
    }
    cache.byTaskId.set(taskId, level);
    return level ?? undefined;
  }
}

/** Fitted models of one quantity: the answer per task id (null: no history), the fit per taskKey. */
interface LevelCache {
  readonly byTaskId: Map<string, LevelModel | null>;
  readonly byTaskKey: Map<string, FittedModel | null>;
}

function newLevelCache(): LevelCache {
  return { byTaskId: new Map(), byTaskKey: new Map() };
}

/** Sizes come from the planner's own arithmetic; a negative or NaN one is a bug there, not a guess to make. */
function checkedBytes(bytes: number, name: string): number {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`${name} must be a non-negative finite number, got ${bytes}`);
  return bytes;
}

function fitTaskModel(records: readonly TaskRecord[], y: (record: TaskRecord) => number): FittedModel {
  return fitModel(records.map((r) => ({ x: r.inputBytes, y: y(r) })), { kind: 'proportional' });
}

/** Number of inputs in a task key (./task-key.ts: the shapes after the last `|`, comma-separated). */
function inputCountOfKey(taskKey: string): number {
  const shapes = taskKey.slice(taskKey.lastIndexOf('|') + 1);
  return shapes === '' ? 0 : shapes.split(',').length;
}

/** The canonical args part of a task key (`op|args|shapes`). */
function argsOfKey(taskKey: string): string {
  return taskKey.slice(taskKey.indexOf('|') + 1, taskKey.lastIndexOf('|'));
}

function opArityGroup(op: string, taskKey: string): string {
  return `${op}#${inputCountOfKey(taskKey)}`;
}

function pushTo<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function transferGroup(store: StoreKind, direction: TransferDirection): string {
  return `${store}:${direction}`;
}

function startupGroup(cold: boolean, tierMb: number | undefined): string {
  return `${cold ? 'cold' : 'warm'}:${tierMb ?? '*'}`;
}

/** The store kind with the most records in `direction` (ties: s3, redis, memory, then the kind recorded first), else s3. */
function mostRecordedStore(transfers: readonly TransferRecord[], direction: TransferDirection): StoreKind {
  const counts = new Map<StoreKind, number>();
  for (const record of transfers) if (record.direction === direction) counts.set(record.store, (counts.get(record.store) ?? 0) + 1);
  let best: StoreKind = 's3';
  for (const kind of ['redis', 'memory', ...counts.keys()]) if ((counts.get(kind) ?? 0) > (counts.get(best) ?? 0)) best = kind;
  return best;
}

