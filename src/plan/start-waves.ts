import type { CompactPlan } from './compact-plan.js';
import { WARM } from './hand-over.js';
import { hedgedInvokeSavingMs, plansHedgedStarts, startTailMs } from './start-tail.js';
import type { TaskCosts } from './task-costs.js';

/**
 * Each worker's cold start: its tier's, plus the start-up tail of its wave. A wave is the workers
 * whose first tasks lie behind the same number of hand-offs between workers (sources: 0); they
 * start at about the same time and the next wave waits for the slowest of them, so each is given
 * the expected slowest of k draws rather than the median (startTailMs).
 */
export function coldStartsOf(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array, starts: Uint8Array): Float64Array {
  const { parentOffsets, parentValues } = costs.graph;
  const { workerOf, tierOf } = plan;
  const stored = costs.stored;
  const workers = tierOf.length;
  const wave = new Int32Array(workers).fill(-1);
  const waveSize: number[] = [];
  const awaited = awaitedWorkers(costs, plan);
  const hedged = plansHedgedStarts(costs, plan);
  const isSource = new Uint8Array(workers);
  for (const task of runOrder) {
    // A finished task (re-planning) runs nowhere: its output is in the store, no hand-off away.
    if (stored?.[task] === 1) continue;
    const worker = workerOf[task] as number;
    if (wave[worker] !== -1) continue;
    let level = 0;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (stored?.[parent] === 1) continue;
      const producer = workerOf[parent] as number;
      if (producer !== worker) level = Math.max(level, (wave[producer] as number) + 1);
    }
    wave[worker] = level;
    if (parentOffsets[task] === parentOffsets[task + 1]) isSource[worker] = 1;
    // A handed-over or warm worker does not wait on a cold start with the others; nobody waits
    // for one whose every output its consumers recompute.
    if (starts[worker] === 0 && awaited[worker] === 1) waveSize[level] = (waveSize[level] ?? 0) + 1;
  }
  const coldStart = new Float64Array(workers);
  for (let worker = 0; worker < workers; worker += 1) {
    const level = wave[worker] as number;
    const tierMs = costs.coldStartMs[tierOf[worker] as number] as number;
    if (starts[worker] === WARM) coldStart[worker] = costs.warmStartMs[tierOf[worker] as number] as number;
    else if (level === -1 || awaited[worker] === 0) coldStart[worker] = tierMs;
    // The client's source workers are hedged when the plan says so (src/scheduler/planned-start.ts):
    // the faster of two Invoke calls and of two cold starts.
    else if (hedged && isSource[worker] === 1) coldStart[worker] = tierMs + startTailMs(costs, waveSize[level] ?? 1, 0.5, true) - hedgedInvokeSavingMs(costs);
    else coldStart[worker] = tierMs + startTailMs(costs, waveSize[level] ?? 1);
  }
  return coldStart;
}

/**
 * 1 per worker that another worker or the client may wait for: 0 for one that runs only
 * dup-annotated sources that are not DAG outputs. A consumer that turns to such a task before its
 * mark runs it itself (its inputs, none, are at hand: DESIGN.md §4 task-dup), and the run ends
 * when the outputs are stored, so that worker's start-up delays nothing.
 */
export function awaitedWorkers(costs: TaskCosts, plan: CompactPlan): Uint8Array {
  const { parentOffsets, isOutput, taskCount } = costs.graph;
  const awaited = new Uint8Array(plan.tierOf.length);
  for (let task = 0; task < taskCount; task += 1) {
    const recomputed = plan.dup[task] === 1 && parentOffsets[task] === parentOffsets[task + 1] && isOutput[task] !== 1;
    if (!recomputed && costs.stored?.[task] !== 1) awaited[plan.workerOf[task] as number] = 1;
  }
  return awaited;
}
