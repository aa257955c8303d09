import type { ExecutorEvent, Instruction } from '../../src/scheduler/events.js';
import type { ScheduleGraph } from '../../src/model/graph-view.js';
import { scheduleRank, staticSchedule } from '../../src/scheduler/static-schedule.js';
import { WukongExecutor } from '../../src/scheduler/wukong-executor.js';
import type { WukongOptions } from '../../src/model/wukong-options.js';
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
  const store = new Map<string, string>();
  const fanIns = new Map<string, { members: Set<string>; completer?: string }>();
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
    const index = Math.floor(random() * pending.length);
    const { exec, instruction } = pending.splice(index, 1)[0] as (typeof pending)[number];
    switch (instruction.type) {
      case 'get': {
        const value = store.get(instruction.taskId);
        if (value === undefined) throw new Error(`get of ${instruction.taskId} before it was stored`);
        result.gets += 1;
        exec.memory.set(instruction.taskId, value);
        feed(exec, { type: 'got', taskId: instruction.taskId });
        break;
      }
      case 'run': {
        const id = instruction.taskId;
        const inputs = graph.parents(id).map((p) => {
          const v = exec.memory.get(p);
          if (v === undefined) throw new Error(`${id} ran without input ${p}`);
          return v;
        });
        const value = `${id}(${inputs.join(',')})`;
        exec.memory.set(id, value);
        result.values.set(id, value);
        result.runs.set(id, (result.runs.get(id) ?? 0) + 1);
        result.runOrder.push(id);
        feed(exec, { type: 'ran', taskId: id, outputBytes: outputBytesOf(id) });
        break;
      }
      case 'put': {
        const value = exec.memory.get(instruction.taskId);
        if (value === undefined) throw new Error(`put of ${instruction.taskId} not in memory`);
        store.set(instruction.taskId, value);
        result.puts += 1;
        feed(exec, { type: 'put-done', taskId: instruction.taskId });
        break;
      }
      case 'check-fan-in': {
        const members = [...(fanIns.get(instruction.childId)?.members ?? [])];
        feed(exec, { ...instruction, type: 'fan-in-checked', markedParents: members });
        break;
      }
      case 'mark-fan-in': {
        const state = fanIns.get(instruction.childId) ?? { members: new Set<string>() };
        fanIns.set(instruction.childId, state);
        state.members.add(instruction.parentId);
        if (state.completer === undefined && state.members.size === instruction.expected) {
          state.completer = instruction.parentId;
          result.fanInCompletions.set(instruction.childId, (result.fanInCompletions.get(instruction.childId) ?? 0) + 1);
        }
        const complete = state.completer === instruction.parentId;
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
        if (!store.has(instruction.taskId)) throw new Error(`output-ready for unstored ${instruction.taskId}`);
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
