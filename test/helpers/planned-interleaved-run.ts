import type { PlannedInstruction } from '../../src/scheduler/planned-events.js';
import { PARK_MEMBER, PlanLayout } from '../../src/scheduler/planned-layout.js';
import { PlannedWorker } from '../../src/scheduler/planned-worker.js';
import { claimOwner, startLaunches } from '../../src/scheduler/planned-start.js';
import type { Plan } from '../../src/model/annotated-dag.js';
import type { ScheduleGraph } from '../../src/model/graph-view.js';
import { InterleavedWorld, runInMemory, takeAtRandom } from './interleaved-world.js';
import { seededRandom } from './random-plan.js';

export interface PlannedWorldResult {
  /** Runs of each task by its own worker (dups excluded). */
  runs: Map<string, number>;
  dupRuns: Map<string, number>;
  runOrder: string[];
  /** Fresh starts and resumes per worker, and parks (park marks that did not complete). */
  starts: Map<number, number>;
  resumes: Map<number, number>;
  parks: Map<number, number>;
  /** Deadline hand-offs: a worker invoking itself to resume at its next task. */
  handOffs: Map<number, number>;
  /** Hedged-start copies that lost the claim (they count in no start). */
  lostClaims: number;
  prewarms: number;
  /** Every value a task computed (own and dup runs); each must equal the reference. */
  computed: { taskId: string; value: string }[];
  outputsReady: Set<string>;
  failures: string[];
  stuck: number[];
}

interface Incarnation {
  machine: PlannedWorker;
  memory: Map<string, string>;
}

/**
 * Runs a whole planned DAG with PlannedWorkers and NO I/O: instructions are answered in a random
 * (seeded) order, waits end by notification or, at random, by timeout (so workers park), and
 * every instruction is checked against the world (a get of something never stored throws).
 */
export function plannedInterleavedRun(
  graph: ScheduleGraph & { tasks: string[] },
  topologicalOrder: readonly string[],
  plan: Pick<Plan, 'tasks' | 'workers'>,
  seed: number,
  parkAfterMs: number,
  /** Chance that a worker's deadline comes near as a task of its own finishes. */
  deadlineRate = 0,
  /** Hedged starts: the client's start calls as src/scheduler/planned-start.ts makes them, each copy claiming first. */
  hedge = false,
): PlannedWorldResult {
  const random = seededRandom(seed);
  const layout = new PlanLayout(graph, topologicalOrder, plan);
  const world = new InterleavedWorld();
  const inboxes = new Map<number, number>();
  const result: PlannedWorldResult = {
    runs: new Map(),
    dupRuns: new Map(),
    runOrder: [],
    starts: new Map(),
    resumes: new Map(),
    parks: new Map(),
    handOffs: new Map(),
    lostClaims: 0,
    prewarms: 0,
    computed: [],
    outputsReady: new Set(),
    failures: [],
    stuck: [],
  };
  const incarnations: Incarnation[] = [];
  const pending: { inc: Incarnation; instruction: PlannedInstruction }[] = [];
  const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

  const feed = (inc: Incarnation, event: Parameters<PlannedWorker['handle']>[0]): void => {
    const instructions = inc.machine.handle(event);
    inc.machine.validateState();
    for (const instruction of instructions) pending.push({ inc, instruction });
  };
  const claims = new Map<number, string>();
  const spawn = (worker: number, resumeAt?: string, hedgeCopy?: 0 | 1): void => {
    // A hedged copy counts as a start only once it wins its claim.
    if (hedgeCopy === undefined) bump(resumeAt === undefined ? result.starts : result.resumes, worker);
    const claimAs = hedgeCopy === undefined ? {} : { claimAs: claimOwner(worker, hedgeCopy) };
    const inc: Incarnation = { machine: new PlannedWorker(layout, worker, { parkAfterMs, ...(resumeAt ? { resumeAt } : {}), ...claimAs }), memory: new Map() };
    incarnations.push(inc);
    feed(inc, { type: 'start' });
  };
  for (const { worker, hedge: copy } of startLaunches(layout, hedge)) spawn(worker, undefined, copy);

  while (pending.length > 0) {
    const { inc, instruction } = takeAtRandom(pending, random);
    switch (instruction.type) {
      case 'get':
        world.get(instruction.taskId, inc.memory, `worker ${inc.machine.worker}: `);
        feed(inc, { type: 'got', taskId: instruction.taskId });
        break;
      case 'run': {
        const id = instruction.taskId;
        result.computed.push({ taskId: id, value: runInMemory(graph, id, inc.memory, `worker ${inc.machine.worker}: `) });
        if (instruction.dup) bump(result.dupRuns, id);
        else {
          bump(result.runs, id);
          result.runOrder.push(id);
        }
        // As the driver does: the deadline is noticed before the machine sees the task finished.
        if (!instruction.dup && random() < deadlineRate) feed(inc, { type: 'deadline-near' });
        feed(inc, { type: 'ran', taskId: id, dup: instruction.dup });
        break;
      }
      case 'put':
        world.put(instruction.taskId, inc.memory);
        feed(inc, { type: 'put-done', taskId: instruction.taskId });
        break;
      case 'check-fan-in':
        feed(inc, { ...instruction, type: 'fan-in-checked', markedParents: world.markedParents(instruction.childId) });
        break;
      case 'mark-fan-in': {
        if (instruction.parentId !== PARK_MEMBER && !world.has(instruction.parentId)) throw new Error(`mark of ${instruction.parentId} before it was stored`);
        const { complete } = world.markFanIn(instruction.childId, instruction.parentId, instruction.expected);
        if (instruction.parentId === PARK_MEMBER && !complete) bump(result.parks, inc.machine.worker);
        feed(inc, { type: 'fan-in-marked', childId: instruction.childId, parentId: instruction.parentId, complete });
        break;
      }
      case 'wait': {
        const messages = inboxes.get(inc.machine.worker) ?? 0;
        const onlyWaits = pending.every((p) => p.instruction.type === 'wait');
        if (messages > 0) {
          inboxes.set(inc.machine.worker, 0);
          feed(inc, { type: 'woken', taskId: instruction.taskId, waitedMs: Math.floor(random() * instruction.timeoutMs) });
        } else if (onlyWaits || random() < 0.3) {
          feed(inc, { type: 'woken', taskId: instruction.taskId, waitedMs: instruction.timeoutMs });
        } else {
          pending.push({ inc, instruction });
        }
        break;
      }
      case 'invoke-worker':
        if (instruction.worker === inc.machine.worker) bump(result.handOffs, instruction.worker);
        spawn(instruction.worker, instruction.resumeAt);
        feed(inc, { type: 'worker-invoked', worker: instruction.worker });
        break;
      case 'claim-start': {
        const holder = claims.get(instruction.worker) ?? instruction.owner;
        claims.set(instruction.worker, holder);
        const won = holder === instruction.owner;
        if (won) bump(result.starts, instruction.worker);
        else result.lostClaims += 1;
        feed(inc, { type: 'start-claimed', won });
        break;
      }
      case 'notify':
        bump(inboxes, instruction.worker);
        break;
      case 'prewarm':
        result.prewarms += 1;
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
  result.stuck = incarnations.filter((i) => !i.machine.isStopped).map((i) => i.machine.worker);
  return result;
}
