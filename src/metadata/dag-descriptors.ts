import type { Dag } from '../dag/dag.js';
import type { OpRegistry } from '../ops/registry.js';
import { callDeclaration } from '../ops/declaration-call.js';
import { byteSizeOfShape, type ValueShape } from '../ops/value-shape.js';
import type { TaskDescriptor } from './metadata-access.js';
import type { MetadataHistory } from './metadata-history.js';
import { MetadataPredictor, type MetadataPredictorOptions } from './predictor.js';
import { bytesShape, matrixShape, tableShape, taskKeyOf } from './task-key.js';

/**
 * Static task descriptors: the task key each executor will record for a task, and the task's
 * input bytes, derived from the DAG alone. The executor computes its key from the actual input
 * values (src/runtime/metadata-recorder.ts: `taskKeyOf(op, parsedArgs, inputs.map(shapeOfValue))`);
 * here the same shapes come from propagating the ops' `shape` declarations along the topological
 * order, so a planner finds the history of earlier runs under the keys they were recorded with.
 */

/** Stands for an input whose shape cannot be derived; no executor ever records it in a key. */
export const UNKNOWN_SHAPE = '?';

export interface DagTaskDescriptor extends TaskDescriptor {
  /**
   * Why the input shapes (and so the key and input bytes) are not known: the first producer
   * upstream that has an unknown op, args its op rejects, no shape declaration, or inputs its
   * declaration rejects. Absent when the key is exactly what the executor will record.
   */
  readonly unknownShapesReason?: string | undefined;
  /** Bytes of each output, in order, when the op declares its shapes. */
  readonly outputBytesEach?: readonly number[] | undefined;
  /** The input shapes, in deps order, when known (what an op's cost declaration is asked about). */
  readonly inputShapes?: readonly ValueShape[] | undefined;
  /** The args as the op's schema parsed them (defaults filled in), when they pass it. */
  readonly parsedArgs?: unknown;
}

function outputSizesOf(outputs: readonly ValueShape[]): { outputBytes: number; outputBytesEach: number[] } {
  const outputBytesEach = outputs.map((shape) => byteSizeOfShape(shape));
  return { outputBytes: outputBytesEach.reduce((sum, b) => sum + b, 0), outputBytesEach };
}

/** One task's descriptor, in `dag.taskIds()` order, for every task of the DAG. */
export function describeDagTasks(dag: Dag, ops: OpRegistry): DagTaskDescriptor[] {
  const outputsOf = new Map<string, OutputShapes>();
  const byId = new Map<string, DagTaskDescriptor>();
  for (const taskId of dag.topologicalOrder()) {
    const task = dag.task(taskId);
    const inputs = dag.inputRefs(taskId).map((ref) => outputShapeOf(outputsOf.get(ref.taskId), ref.taskId, ref.output));
    const firstUnknown = inputs.find((input) => typeof input === 'string');
    const inputShapes = inputs.filter((input): input is ValueShape => typeof input !== 'string');
    const derived = withDeclaredRows(deriveOutputs(ops, taskId, task.op, task.args, firstUnknown ?? inputShapes), task.hints?.rows);
    outputsOf.set(taskId, derived.outputs);
    const known = firstUnknown === undefined;
    byId.set(taskId, {
      taskId,
      op: task.op,
      taskKey: taskKeyOf(task.op, derived.keyArgs, inputs.map((input) => (typeof input === 'string' ? UNKNOWN_SHAPE : houseShape(input)))),
      ...(known ? { inputBytes: inputShapes.reduce((sum, shape) => sum + byteSizeOfShape(shape), 0), inputShapes } : { unknownShapesReason: firstUnknown }),
      ...(derived.parsed ? { parsedArgs: derived.keyArgs } : {}),
      ...(Array.isArray(derived.outputs) ? outputSizesOf(derived.outputs) : {}),
      ...(hasHints(task) ? { hints: statedHints(task) } : {}),
    });
  }
  return dag.taskIds().map((taskId) => byId.get(taskId) as DagTaskDescriptor);
}

/** What a DAG task states about its own cost: its `hints`, then what synthetic ops' args fix. */
export function statedHints(task: { readonly op: string; readonly args?: Readonly<Record<string, unknown>> | undefined; readonly hints?: { readonly durationMs?: number | undefined; readonly outputBytes?: number | undefined } | undefined }): { durationMs?: number; outputBytes?: number } {
  const hints: { durationMs?: number; outputBytes?: number } = {};
  if (task.hints?.durationMs !== undefined) hints.durationMs = task.hints.durationMs;
  if (task.hints?.outputBytes !== undefined) hints.outputBytes = task.hints.outputBytes;
  const args = task.args;
  if (task.op === 'synthetic.work') {
    if (typeof args?.ms === 'number') hints.durationMs = args.ms;
    // synthetic.work's own default outputBytes is 8 (src/ops/synthetic/work.ts).
    hints.outputBytes = typeof args?.outputBytes === 'number' ? args.outputBytes : 8;
  }
  if (task.op === 'synthetic.bytes' && typeof args?.bytes === 'number') hints.outputBytes = args.bytes;
  return hints;
}

function hasHints(task: Parameters<typeof statedHints>[0]): boolean {
  return task.hints !== undefined || task.op === 'synthetic.work' || task.op === 'synthetic.bytes';
}

/**
 * A MetadataPredictor for planning `dag` from `history`: its descriptors are the DAG's static
 * ones, so predictions use each task's id, then its task key, then same-op history, then hints.
 */
export function predictorForDag(dag: Dag, ops: OpRegistry, history: MetadataHistory, options: MetadataPredictorOptions = {}): MetadataPredictor {
  return new MetadataPredictor(history, describeDagTasks(dag, ops), options);
}

/** A table output's estimated rows replaced by the task's `hints.rows`, when it states them. */
function withDeclaredRows<T extends { outputs: OutputShapes }>(derived: T, rows: number | undefined): T {
  if (rows === undefined || typeof derived.outputs === 'string') return derived;
  const outputs = derived.outputs.map((shape) => (shape.kind === 'table' ? { ...shape, rows } : shape));
  return { ...derived, outputs };
}

/** A producer's output shapes, or why they are unknown. */
type OutputShapes = readonly ValueShape[] | string;

function outputShapeOf(outputs: OutputShapes | undefined, taskId: string, index: number): ValueShape | string {
  if (outputs === undefined) return `producer ${taskId} is not in the DAG`;
  if (typeof outputs === 'string') return outputs;
  return outputs[index] ?? `task ${taskId} has no output #${index}`;
}

/** ./task-key.ts's house format, the one `shapeOfValue` gives for a value of this shape. */
function houseShape(shape: ValueShape): string {
  if (shape.kind === 'table') return tableShape(Math.round(shape.rows), shape.columns.length);
  return shape.kind === 'matrix' ? matrixShape(shape.rows, shape.cols) : bytesShape(shape.byteLength);
}

/**
 * The args as the executor keys them (parsed by the op's schema, defaults filled in) and the
 * task's output shapes, or the reason they are unknown. `inputs` a string: why some input's shape
 * is unknown, which every task downstream then inherits (it names the task where knowledge ended).
 */
function deriveOutputs(ops: OpRegistry, taskId: string, opName: string, rawArgs: unknown, inputs: readonly ValueShape[] | string): { keyArgs: unknown; outputs: OutputShapes; parsed?: true } {
  const raw = rawArgs ?? {};
  const op = ops.lookup(opName);
  if (!op) return { keyArgs: raw, outputs: `task ${taskId}: op ${opName} is not registered` };
  const parsed = op.args.safeParse(raw);
  if (!parsed.success) return { keyArgs: raw, outputs: `task ${taskId}: its args fail the schema of op ${opName}` };
  const keyArgs = parsed.data;
  if (typeof inputs === 'string') return { keyArgs, outputs: inputs, parsed: true };
  if (!op.shape) return { keyArgs, outputs: `task ${taskId}: op ${opName} declares no output shapes`, parsed: true };
  const outputs = callDeclaration(op, 'shape', taskId, () => op.shape?.(inputs, keyArgs));
  if (!outputs || outputs.length !== op.outputs) return { keyArgs, outputs: `task ${taskId}: op ${opName} cannot tell its output shapes for these inputs`, parsed: true };
  return { keyArgs, outputs, parsed: true };
}
