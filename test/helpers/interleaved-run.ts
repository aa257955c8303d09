import type { ExecutorEvent, Instruction } from '../../src/scheduler/events.js';
import type { ScheduleGraph } from '../../src/model/graph-view.js';
import { scheduleRank, staticSchedule } from '../../src/scheduler/static-schedule.js';
import { WukongExecutor } from '../../src/scheduler/wukong-executor.js';
import type { WukongOptions } from '../../src/model/wukong-options.js';
import { InterleavedWorld, runInMemory, takeAtRandom } from './interleaved-world.js';
import { seededRandom } from './random-plan.js';

/** A small DAG for pure tests: task id -> parent ids (deps order). */
export type ParentMap = Record<string, string[]>;

export function graphOf(parents: ParentMap, outputs?: string[]): ScheduleGraph & { tasks: string[]; sources: string[] } {
  const children = new Map<string, string[]>();
  for (const id of Object.keys(parents)) children.set(id, []);
  for (const [id, ps] of Object.entries(parents)) for (const p of new Set(ps)) children.get(p)?.push(id);
  const sinks = Object.keys(parents).filter((id) => (children.get(id) ?? []).length === 0);
  const outs = new Set(outputs ?? sinks);
  return {
    tasks: Object.keys(parents),
    sources: Object.keys(parents).filter((id) => (parents[id] ?? []).length === 0),
    parents: (id) => [...new Set(parents[id] ?? [])],
    children: (id) => children.get(id) ?? [],
    isOutput: (id) => outs.has(id),
  };
}

export interface InterleavedResult {
  runs: Map<string, number>;
  runOrder: string[];
  fanInCompletions: Map<string, number>;
  invocations: number;
  executors: number;
  puts: number;
  gets: number;
  outputsReady: Set<string>;
  values: Map<string, string>;
  failures: string[];
}

/** Deterministic stand-in for an op: the value names the task and its inputs. */
export function referenceValue(graph: ScheduleGraph, taskId: string, memo = new Map<string, string>()): string {
  const known = memo.get(taskId);
  if (known !== undefined) return known;
  const value = `${taskId}(${graph.parents(taskId).map((p) => referenceValue(graph, p, memo)).join(',')})`;
  memo.set(taskId, value);
  return value;
}

/**
 * Runs a whole DAG with many WukongExecutors and NO I/O: instructions are answered in a random
 * (seeded) order, as real stores and invokers would answer them, and every answer is checked.
 */
export function interleavedRun(
  graph: ScheduleGraph & { tasks: string[]; sources: string[] },
  options: WukongOptions,
  seed: number,
  outputBytesOf: (taskId: string) => number,
): InterleavedResult {
  const random = seededRandom(seed);
  const world = new InterleavedWorld();
  const result: InterleavedResult = {
    runs: new Map(),
    runOrder: [],
    fanInCompletions: new Map(),
    invocations: 0,
    executors: 0,
    puts: 0,
    gets: 0,
    outputsReady: new Set(),
    values: new Map(),
    failures: [],
  };
  interface Exec {
    machine: WukongExecutor;
    memory: Map<string, string>;
  }
  const pending: { exec: Exec; instruction: Instruction }[] = [];

  const feed = (exec: Exec, event: ExecutorEvent): void => {
    const instructions = exec.machine.handle(event);
    exec.machine.validateState();
    for (const instruction of instructions) pending.push({ exec, instruction });
  };
  const spawn = (source: string, taskId: string, inline: Map<string, string>): void => {
    result.executors += 1;
    const exec: Exec = {
      machine: new WukongExecutor(graph, options, scheduleRank(staticSchedule(graph, source))),
      memory: new Map(inline),
    };
    feed(exec, { type: 'start', taskId, inline: [...inline.keys()] });
  };

  for (const source of graph.sources) spawn(source, source, new Map());

  while (pending.length > 0) {
    const { exec, instruction } = takeAtRandom(pending, random);
    switch (instruction.type) {
      case 'get':
        world.get(instruction.taskId, exec.memory);
        result.gets += 1;
        feed(exec, { type: 'got', taskId: instruction.taskId });
        break;
      case 'run': {
        const id = instruction.taskId;
        result.values.set(id, runInMemory(graph, id, exec.memory));
        result.runs.set(id, (result.runs.get(id) ?? 0) + 1);
        result.runOrder.push(id);
        feed(exec, { type: 'ran', taskId: id, outputBytes: outputBytesOf(id) });
        break;
      }
      case 'put':
        world.put(instruction.taskId, exec.memory);
        result.puts += 1;
        feed(exec, { type: 'put-done', taskId: instruction.taskId });
        break;
      case 'check-fan-in':
        feed(exec, { ...instruction, type: 'fan-in-checked', markedParents: world.markedParents(instruction.childId) });
        break;
      case 'mark-fan-in': {
        const { complete, completedNow } = world.markFanIn(instruction.childId, instruction.parentId, instruction.expected);
        if (completedNow) result.fanInCompletions.set(instruction.childId, (result.fanInCompletions.get(instruction.childId) ?? 0) + 1);
        feed(exec, { type: 'fan-in-marked', childId: instruction.childId, parentId: instruction.parentId, complete });
        break;
      }
      case 'invoke': {
        result.invocations += 1;
        const inline = new Map<string, string>();
        for (const p of instruction.inline) {
          const v = exec.memory.get(p);
          if (v === undefined) throw new Error(`inline ${p} not in memory`);
          inline.set(p, v);
        }
        spawn(graph.sources[0] as string, instruction.taskId, inline);
        feed(exec, { type: 'invoked', taskId: instruction.taskId });
        break;
      }
      case 'sleep':
        // Time is not modelled: the wake-up lands among the other answers, in random order.
        feed(exec, { type: 'woke' });
        break;
      case 'output-ready':
        if (!world.has(instruction.taskId)) throw new Error(`output-ready for unstored ${instruction.taskId}`);
        result.outputsReady.add(instruction.taskId);
        break;
      case 'fail-run':
        result.failures.push(`${instruction.taskId}: ${instruction.message}`);
        break;
      case 'stop':
        break;
    }
  }
  return result;
}
