/**
 * How long the front of the pipeline takes on big DAGs: JSON parse, validation (schema, ids, deps,
 * ops, args, arity, acyclicity) with construction of the Dag model (index arrays, topological
 * order), then the model's topological order, depth and critical path. Target: under 2 s for
 * 100,000 tasks. Also printed, outside the total: building the model's graphlib Graph, which the
 * model builds only when a caller asks for it (see src/dag/dag.ts for why).
 *
 *   npm run build && node dist/bench/validate-100k.js [--tasks 10000,100000] [--runs 3] [--seed 1]
 *
 * The DAG is layered and seeded: ~316 layers of ~316 synthetic.work tasks for 100k, each task
 * below the first layer reading 1-4 tasks of the previous layer and, one time in eight, one more
 * from any earlier layer. Figures are the median of `--runs` runs, in ms.
 *
 * Then an invalid DAG, which must be refused as fast (target: under 2 s): a fan-in of the largest
 * size minus one sources into one sink that also depends on a task that does not exist.
 */
import { fileURLToPath } from 'node:url';
import { Dag } from '../src/dag/dag.js';
import type { DagSpec, TaskSpec } from '../src/model/dag-schema.js';
import { parseDagText, validateDag } from '../src/dag/validate.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import { Xoshiro128StarStar } from '../src/ops/random/xoshiro128-star-star.js';
import { nonNegativeInt, parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

/** A layered random DAG of `taskCount` synthetic.work tasks (sleep mode, small outputs). */
export function layeredDag(taskCount: number, seed: number): DagSpec {
  const random = Xoshiro128StarStar.fromInteger(seed);
  const below = (n: number): number => random.nextUint32() % n;
  const width = Math.max(1, Math.round(Math.sqrt(taskCount)));
  const tasks: TaskSpec[] = [];
  for (let i = 0; i < taskCount; i += 1) {
    const layer = Math.floor(i / width);
    const ms = 1 + below(200);
    const task: TaskSpec = { id: `t${i}`, op: 'synthetic.work', args: { ms, outputBytes: 1024, mode: 'sleep' }, hints: { durationMs: ms } };
    if (layer > 0) {
      const previous = (layer - 1) * width;
      const deps = new Set<string>();
      const fanIn = 1 + below(4);
      for (let k = 0; k < fanIn; k += 1) deps.add(`t${previous + below(width)}`);
      if (below(8) === 0) deps.add(`t${below(previous + 1)}`);
      task.deps = [...deps];
    }
    tasks.push(task);
  }
  return { name: `layered-${taskCount}`, tasks };
}

interface Figures {
  parseMs: number;
  validateAndModelMs: number;
  modelOnlyMs: number;
  topologicalOrderMs: number;
  depthMs: number;
  criticalPathMs: number;
  totalMs: number;
  /** CPU time of the total: on a shared, loaded machine wall time overstates the cost. */
  totalCpuMs: number;
  /** Building the graphlib Graph (lazy: only callers that ask for `dag.graph` pay it). */
  graphlibMs: number;
}

function timed<T>(work: () => T): [T, number] {
  const start = performance.now();
  const result = work();
  return [result, performance.now() - start];
}

function measureOnce(text: string): { figures: Figures; edges: number; depth: number; criticalMs: number } {
  const catalog = createBuiltinRegistry();
  const cpuStart = process.cpuUsage();
  const [parsed, parseMs] = timed(() => parseDagText(text));
  if (!parsed.ok) throw new Error('bench DAG did not parse');
  const [result, validateAndModelMs] = timed(() => validateDag(parsed.value, catalog));
  if (!result.ok) throw new Error(`bench DAG is invalid: ${result.problems[0]?.message}`);
  const dag = result.dag;
  const [order, topologicalOrderMs] = timed(() => dag.topologicalOrder());
  if (order.length !== dag.taskCount()) throw new Error('topological order lost tasks');
  const [depth, depthMs] = timed(() => dag.depth());
  const [path, criticalPathMs] = timed(() => dag.criticalPath());
  const cpu = process.cpuUsage(cpuStart);
  const totalCpuMs = (cpu.user + cpu.system) / 1000;
  // The model alone (index arrays, links, topological order) on the already validated spec, then
  // its graphlib graph.
  const [model, modelOnlyMs] = timed(() => Dag.fromSpec(result.spec));
  const [graph, graphlibMs] = timed(() => model.graph);
  if (graph.edgeCount() !== dag.edgeCount()) throw new Error('graphlib graph lost edges');
  const totalMs = parseMs + validateAndModelMs + topologicalOrderMs + depthMs + criticalPathMs;
  return {
    figures: { parseMs, validateAndModelMs, modelOnlyMs, topologicalOrderMs, depthMs, criticalPathMs, totalMs, totalCpuMs, graphlibMs },
    edges: dag.edgeCount(),
    depth,
    criticalMs: path.length,
  };
}

/** `width` sources and one sink reading all of them and one unknown task `ghost`. */
export function invalidFanIn(width: number): DagSpec {
  const sources: TaskSpec[] = Array.from({ length: width }, (_, i) => ({ id: `s${i}`, op: 'synthetic.work', args: { ms: 0 } }));
  const sink: TaskSpec = { id: 'sink', op: 'synthetic.work', args: { ms: 0 }, deps: [...sources.map((t) => t.id), 'ghost'] };
  return { name: `fan-in-${width}-unknown-dep`, tasks: [...sources, sink] };
}

/** Parse + validation of the invalid fan-in, median of `runs`; checks it is refused for the right reason. */
function measureInvalid(width: number, runs: number): { ms: number; problems: number } {
  const text = JSON.stringify(invalidFanIn(width));
  const catalog = createBuiltinRegistry();
  const samples: number[] = [];
  let problems = 0;
  for (let r = 0; r < runs; r += 1) {
    const [result, ms] = timed(() => {
      const parsed = parseDagText(text);
      if (!parsed.ok) throw new Error('bench DAG did not parse');
      return validateDag(parsed.value, catalog);
    });
    if (result.ok || result.problems[0]?.code !== 'unknown-dep') throw new Error('the invalid fan-in was not refused for its unknown dep');
    problems = result.problems.length;
    samples.push(ms);
  }
  return { ms: median(samples), problems };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

async function main(): Promise<void> {
  const { values } = parseBenchArgs(
    "How long the front of the pipeline takes on big DAGs: JSON parse, validation with construction of the Dag model, then the model's topological order, depth and critical path.",
    { options: { tasks: { type: 'string', default: '10000,100000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' } } },
  );
  const sizes = positiveIntList(values.tasks, '--tasks');
  const runs = positiveInt(values.runs, '--runs');
  const seed = nonNegativeInt(values.seed, '--seed');
  console.log(`validate bench: median of ${runs} runs, node ${process.version}; ms`);
  console.log('tasks      edges    depth  json-MB  parse  validate+model  (model only)  topo  depth  critical-path  total  total-cpu  | graphlib graph (lazy)');
  for (const size of sizes) {
    const text = JSON.stringify(layeredDag(size, seed));
    const samples: Figures[] = [];
    let shape = { edges: 0, depth: 0, criticalMs: 0 };
    for (let r = 0; r < runs; r += 1) {
      const once = measureOnce(text);
      samples.push(once.figures);
      shape = once;
    }
    const m = (key: keyof Figures): string => median(samples.map((s) => s[key])).toFixed(0);
    const cells = [
      String(size).padEnd(9),
      String(shape.edges).padStart(7),
      String(shape.depth).padStart(7),
      (text.length / 1e6).toFixed(1).padStart(7),
      m('parseMs').padStart(6),
      m('validateAndModelMs').padStart(15),
      `(${m('modelOnlyMs')})`.padStart(13),
      m('topologicalOrderMs').padStart(5),
      m('depthMs').padStart(6),
      m('criticalPathMs').padStart(14),
      m('totalMs').padStart(6),
      m('totalCpuMs').padStart(10),
      `  | ${m('graphlibMs')}`,
    ];
    console.log(cells.join(' '));
    console.log(`           critical path ${shape.criticalMs.toFixed(0)} ms of hinted work`);
  }
  const width = Math.max(...sizes) - 1;
  const invalid = measureInvalid(width, runs);
  console.log(`invalid: ${width}-way fan-in + 1 unknown dep: parse + validate ${invalid.ms.toFixed(0)} ms (target < 2000), ${invalid.problems} problem(s)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
