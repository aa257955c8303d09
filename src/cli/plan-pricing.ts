import type { HistoryRecordCounts } from '../metadata/metadata-history.js';
import { DEFAULT_COLD_START, DEFAULT_EXEC_MS } from '../metadata/prediction-defaults.js';

/** The predictor's last resorts (src/metadata/prediction-defaults.ts). */
const TASK_DEFAULTS = `DAG hints and op shapes, else built-in defaults (${DEFAULT_EXEC_MS} ms a task)`;
const LATENCY_DEFAULTS = `built-in defaults (the aws profile's latencies: a cold start ${DEFAULT_COLD_START.medianMs} ms median, ${DEFAULT_COLD_START.p90Ms} ms p90)`;

/**
 * The `costs` line of `wukong plan` without --profile: where the predictor's figures came from.
 * It used to name the history directory whatever it held (an audit found it naming a directory
 * that did not exist, and "history none (--no-metadata)" beside "transfers and start-ups from the
 * same history"), while every figure came from DAG hints and defaults. Each kind of figure is
 * credited to history only when the history holds records of that kind.
 * `history`: undefined with --no-metadata; else where it was read and what it held.
 */
export function describeHistoryPricing(history: { readonly where: string; readonly records: HistoryRecordCounts } | undefined): string {
  const noHistory = `tasks from ${TASK_DEFAULTS}; transfers and start-ups from ${LATENCY_DEFAULTS}`;
  if (history === undefined) return `no history (--no-metadata): ${noHistory}`;
  const { where, records } = history;
  const total = records.tasks + records.transfers + records.invokes;
  if (total === 0) return `no history (nothing recorded at ${where}): ${noHistory}`;
  const tasks = records.tasks > 0 ? `its ${records.tasks} task records (same task key, then op size curves), else ${TASK_DEFAULTS}` : `${TASK_DEFAULTS} (no task records)`;
  const latencies = (count: number, kind: string) => (count > 0 ? `its ${count} ${kind} records` : `${LATENCY_DEFAULTS} (no ${kind} records)`);
  return `history at ${where}, ${total} records: tasks from ${tasks}; transfers from ${latencies(records.transfers, 'transfer')}; start-ups from ${latencies(records.invokes, 'start-up')}`;
}
