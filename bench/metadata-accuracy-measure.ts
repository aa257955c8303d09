import type { Dag } from '../src/dag/dag.js';
import { describeDagTasks } from '../src/metadata/dag-descriptors.js';
import { MetadataPredictor, type TaskPredictionSource } from '../src/metadata/predictor.js';
import type { TaskRecord } from '../src/metadata/records.js';
import { median } from '../src/metadata/statistics.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import type { AnyWorkload } from '../workloads/index.js';
import type { RecordedWorkloadRuns } from './recorded-workload-run.js';

/**
 * Issue #5 item 4: run a workload at two sizes recording metadata, predict every task of a third
 * size from that history alone (static task descriptors + MetadataPredictor, median SLA), run the
 * third size, and compare prediction with record task by task.
 */
export interface AccuracyCase {
  readonly workload: AnyWorkload;
  /** The two sizes whose runs make the history. */
  readonly history: readonly [Record<string, number>, Record<string, number>];
  readonly target: Record<string, number>;
  /**
   * Runs of each size (default 1). The target's recorded time per task is then the median of its
   * repeats, and `repeatNoise` says how far one repeat strays from the others: a floor for the
   * error no predictor can beat on this machine.
   */
  readonly repeats?: number;
}

export interface AccuracyRow {
  readonly workload: string;
  readonly tasks: number;
  /** Median over tasks of |predicted - recorded| / recorded execution time. */
  readonly execMdApe: number;
  /** Σ|predicted - recorded| / Σ recorded execution time: errors weighted by task length. */
  readonly execWape: number;
  /** Median over tasks of |predicted - recorded| / recorded output bytes. */
  readonly outputMdApe: number;
  /** Σ|predicted - recorded| / Σ recorded output bytes. */
  readonly outputWape: number;
  /**
   * outputMdApe of a predictor not told the static output bytes (descriptors without
   * `outputBytes`): the history models alone (task, taskKey, same-op power law of input bytes).
   */
  readonly outputMdApeHistoryOnly: number;
  /** How many tasks each fallback level answered, execution time then output size. */
  readonly execSources: Readonly<Partial<Record<TaskPredictionSource, number>>>;
  readonly outputSources: Readonly<Partial<Record<TaskPredictionSource, number>>>;
  /** Target tasks whose task key appears in the history. */
  readonly keysSeen: number;
  readonly recordedExecMs: number;
  readonly predictedExecMs: number;
  /** Median over tasks of |first repeat - median of the other repeats| / that median; undefined with one repeat. */
  readonly repeatNoise: number | undefined;
}

/** `runs` should be a fresh store: its history is what the predictor learns from. */
export async function measureAccuracy(runs: RecordedWorkloadRuns, accuracyCase: AccuracyCase): Promise<AccuracyRow> {
  const { workload } = accuracyCase;
  const repeats = Math.max(1, accuracyCase.repeats ?? 1);
  for (const params of accuracyCase.history) for (let i = 0; i < repeats; i += 1) await runs.run(workload, params);
  const history = await runs.history();
  const knownKeys = new Set(history.tasks.map((r) => r.taskKey));

  const targetRuns: { dag: Dag; runId: string }[] = [];
  for (let i = 0; i < repeats; i += 1) targetRuns.push(await runs.run(workload, accuracyCase.target));
  const descriptors = describeDagTasks((targetRuns[0] as { dag: Dag }).dag, createBuiltinRegistry());
  const predictor = new MetadataPredictor(history, descriptors);
  const historyOnly = new MetadataPredictor(
    history,
    descriptors.map(({ outputBytes: _static, ...rest }) => rest),
  );
  const historyOnlyErrors: number[] = [];
  const all = (await runs.history()).tasks;
  const repeatsOf = targetRuns.map(({ runId }) => new Map(all.filter((r) => r.runId === runId).map((r) => [r.taskId, r])));
  const first = repeatsOf[0] as Map<string, TaskRecord>;
  const recorded = [...first.values()].map((record) => ({ ...record, execMs: median(repeatsOf.map((run) => run.get(record.taskId)?.execMs ?? record.execMs)) }));
  const repeatNoise =
    repeats < 2 ? undefined : median([...first.values()].map((r) => relativeError(r.execMs, median(repeatsOf.slice(1).map((run) => run.get(r.taskId)?.execMs ?? r.execMs)))));

  const execErrors: number[] = [];
  const outputErrors: number[] = [];
  let execAbsSum = 0;
  let execSum = 0;
  let predictedSum = 0;
  let outputAbsSum = 0;
  let outputSum = 0;
  const execSources: Partial<Record<TaskPredictionSource, number>> = {};
  const outputSources: Partial<Record<TaskPredictionSource, number>> = {};
  for (const record of recorded) {
    // Predictions use the statically derived input bytes (undefined: the descriptor's), never the record's.
    const exec = predictor.explainExecutionTime(record.taskId, undefined, [record.worker], 'median');
    const output = predictor.explainOutputSize(record.taskId, undefined, 'median');
    const predictedMs = exec.estimates[0]?.ms ?? 0;
    execErrors.push(relativeError(predictedMs, record.execMs));
    outputErrors.push(relativeError(output.bytes, record.outputBytes));
    historyOnlyErrors.push(relativeError(historyOnly.predictOutputSize(record.taskId, undefined, 'median'), record.outputBytes));
    execAbsSum += Math.abs(predictedMs - record.execMs);
    execSum += record.execMs;
    predictedSum += predictedMs;
    outputAbsSum += Math.abs(output.bytes - record.outputBytes);
    outputSum += record.outputBytes;
    execSources[exec.source] = (execSources[exec.source] ?? 0) + 1;
    outputSources[output.source] = (outputSources[output.source] ?? 0) + 1;
  }
  return {
    workload: workload.name,
    tasks: recorded.length,
    execMdApe: median(execErrors),
    execWape: execSum > 0 ? execAbsSum / execSum : 0,
    outputMdApe: median(outputErrors),
    outputWape: outputSum > 0 ? outputAbsSum / outputSum : 0,
    outputMdApeHistoryOnly: median(historyOnlyErrors),
    execSources,
    outputSources,
    keysSeen: recorded.filter((r) => knownKeys.has(r.taskKey)).length,
    recordedExecMs: execSum,
    predictedExecMs: predictedSum,
    repeatNoise,
  };
}

/** |predicted - actual| / actual; 0 when both are 0, and the absolute error when only actual is 0. */
function relativeError(predicted: number, actual: number): number {
  if (actual === 0) return Math.abs(predicted);
  return Math.abs(predicted - actual) / actual;
}
