import type { DagSpec, TaskSpec } from '../model/dag-schema.js';
import { BadInputError } from '../model/errors.js';
import { MAX_SYNTHETIC_BYTES, MAX_WORK_MS } from '../ops/synthetic/work.js';
import { WfFormatInstanceSchema, type LegacyTask } from './wfcommons-format.js';

export interface WfCommonsImportOptions {
  /** Task time = runtimeInSeconds x 1,000 x timeScale ms (default 1). */
  readonly timeScale?: number;
  /** Output size = bytes of the task's output files x bytesScale (default 1). */
  readonly bytesScale?: number;
}

export interface WfCommonsImport {
  readonly spec: DagSpec;
  readonly layout: 'specification+execution' | 'tasks';
  readonly tasks: number;
  readonly edges: number;
  /** Tasks whose time was cut to synthetic.work's maximum (900,000 ms). */
  readonly clampedDurations: number;
  /** Tasks whose output was cut to synthetic.work's maximum (2^31 - 1 bytes). */
  readonly clampedBytes: number;
  /** Tasks with no runtime in the instance (imported as 0 ms). */
  readonly withoutRuntime: number;
}

/** One task, whichever layout it came from. */
interface NeutralTask {
  readonly key: string;
  readonly aliases: readonly string[];
  readonly parents: readonly string[];
  readonly children: readonly string[];
  readonly runtimeSeconds: number | undefined;
  readonly outputBytes: number;
}

/**
 * Converts a WfCommons WfFormat instance (schema 1.4 and earlier, or 1.5/1.6) into DAG JSON of
 * `synthetic.work` tasks in `sleep` mode (a trace's runtime is wall time measured elsewhere, not
 * CPU work to rescale by memory): ms = runtime x 1,000 x timeScale, outputBytes = the task's output
 * files x bytesScale, with the same figures as hints for planners. Edges are the union of `parents`
 * and `children`. Task ids keep letters, digits and `_ . : -`; any other character (a path separator
 * too) becomes `_`, an id of only dots (`.`, `..`) becomes underscores, and a clash gets `_2`, `_3`...
 * in instance order: the same instance always imports to the same ids, each a different one.
 */
export function importWfCommons(json: unknown, options: WfCommonsImportOptions = {}): WfCommonsImport {
  const timeScale = options.timeScale ?? 1;
  const bytesScale = options.bytesScale ?? 1;
  if (!(Number.isFinite(timeScale) && timeScale >= 0)) throw new BadInputError(`time scale must be a non-negative number, got ${timeScale}`);
  if (!(Number.isFinite(bytesScale) && bytesScale >= 0)) throw new BadInputError(`bytes scale must be a non-negative number, got ${bytesScale}`);
  const parsed = WfFormatInstanceSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BadInputError(`not a WfCommons WfFormat instance: ${issues.join('; ')}`);
  }
  const instance = parsed.data;
  const workflow = instance.workflow;
  const layout = 'specification' in workflow ? 'specification+execution' : 'tasks';
  const neutral = 'specification' in workflow ? fromSpecification(workflow) : fromLegacy('tasks' in workflow ? workflow.tasks : workflow.jobs);

  const byRef = new Map<string, NeutralTask>();
  for (const task of neutral) {
    if (byRef.has(task.key)) throw new BadInputError(`task "${task.key}" appears more than once`);
    byRef.set(task.key, task);
  }
  for (const task of neutral) for (const alias of task.aliases) if (!byRef.has(alias)) byRef.set(alias, task);
  const resolve = (ref: string, from: string): NeutralTask => {
    const task = byRef.get(ref);
    if (!task) throw new BadInputError(`task "${from}" refers to "${ref}", which is no task of the instance`);
    return task;
  };

  const ids = uniqueIds(neutral.map((t) => t.key));
  const deps = new Map<NeutralTask, Set<NeutralTask>>(neutral.map((t) => [t, new Set()]));
  for (const task of neutral) {
    for (const ref of task.parents) deps.get(task)?.add(resolve(ref, task.key));
    for (const ref of task.children) deps.get(resolve(ref, task.key))?.add(task);
  }
  for (const [task, parents] of deps) if (parents.has(task)) throw new BadInputError(`task "${task.key}" depends on itself`);

  let clampedDurations = 0;
  let clampedBytes = 0;
  let withoutRuntime = 0;
  let edges = 0;
  const tasks: TaskSpec[] = neutral.map((task) => {
    if (task.runtimeSeconds === undefined) withoutRuntime += 1;
    let ms = round3((task.runtimeSeconds ?? 0) * 1000 * timeScale);
    if (ms > MAX_WORK_MS) {
      ms = MAX_WORK_MS;
      clampedDurations += 1;
    }
    let outputBytes = Math.round(task.outputBytes * bytesScale);
    if (outputBytes > MAX_SYNTHETIC_BYTES) {
      outputBytes = MAX_SYNTHETIC_BYTES;
      clampedBytes += 1;
    }
    const parents = [...(deps.get(task) ?? [])].map((p) => ids.get(p.key) as string);
    edges += parents.length;
    return {
      id: ids.get(task.key) as string,
      op: 'synthetic.work',
      args: { ms, outputBytes, mode: 'sleep' },
      ...(parents.length > 0 ? { deps: parents } : {}),
      hints: { durationMs: ms, outputBytes },
    };
  });
  const spec: DagSpec = { name: instance.name.slice(0, 200), tasks };
  return { spec, layout, tasks: tasks.length, edges, clampedDurations, clampedBytes, withoutRuntime };
}

type SpecificationWorkflow = Extract<ReturnType<typeof WfFormatInstanceSchema.parse>['workflow'], { specification: unknown }>;

function fromSpecification(workflow: SpecificationWorkflow): NeutralTask[] {
  const fileBytes = new Map((workflow.specification.files ?? []).map((f) => [f.id, f.sizeInBytes]));
  const runtimes = new Map((workflow.execution?.tasks ?? []).map((t) => [t.id, t.runtimeInSeconds]));
  return workflow.specification.tasks.map((task) => {
    let outputBytes = 0;
    for (const file of task.outputFiles ?? []) {
      const size = fileBytes.get(file);
      if (size === undefined) throw new BadInputError(`task "${task.id}" outputs file "${file}", which specification.files does not list`);
      outputBytes += size;
    }
    return { key: task.id, aliases: [], parents: task.parents ?? [], children: task.children ?? [], runtimeSeconds: runtimes.get(task.id), outputBytes };
  });
}

function fromLegacy(tasks: readonly LegacyTask[]): NeutralTask[] {
  return tasks.map((task) => {
    let outputBytes = 0;
    for (const file of task.files ?? []) if (file.link === 'output') outputBytes += file.sizeInBytes ?? file.size ?? 0;
    return {
      // 1.4: parents and children refer to `name`; some generators used `id`, so it is an alias.
      key: task.name,
      aliases: task.id !== undefined ? [task.id] : [],
      parents: task.parents ?? [],
      children: task.children ?? [],
      runtimeSeconds: task.runtimeInSeconds ?? task.runtime,
      outputBytes,
    };
  });
}

/**
 * Replaces what DAG task ids do not allow (taskIdProblem in src/model/dag-schema.ts) with `_`:
 * other characters, path separators included, and dot segments.
 */
function sanitize(text: string): string {
  const cleaned = text.replace(/[^A-Za-z0-9_.:-]/g, '_');
  if (cleaned.length === 0) return '_';
  return /^\.+$/.test(cleaned) ? cleaned.replace(/\./g, '_') : cleaned;
}

/** Instance keys to valid, unique DAG task ids (at most 256 characters). */
function uniqueIds(keys: readonly string[]): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const key of keys) {
    const base = sanitize(key).slice(0, 240);
    let id = base;
    for (let n = 2; taken.has(id); n += 1) id = `${base}_${n}`;
    taken.add(id);
    ids.set(key, id);
  }
  return ids;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
