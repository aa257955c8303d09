import type { DagSpec } from '../../../src/model/dag-schema.js';

/**
 * A layered DAG of `layers` x `width` sleeping tasks with fan-outs and fan-ins (each task reads
 * one or two tasks of the layer above). Outputs above the inline budget (256 KiB) go through the
 * intermediate store, so store faults hit real reads and writes. `outputBytes` may draw each task's
 * size from the DAG's seeded generator.
 */
export function layeredDag(seed: number, layers: number, width: number, sleepMs: number, outputBytes: number | ((random: () => number) => number)): DagSpec {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const tasks: DagSpec['tasks'] = [];
  let previous: string[] = [];
  for (let layer = 0; layer < layers; layer += 1) {
    const current: string[] = [];
    for (let i = 0; i < width; i += 1) {
      const id = `l${layer}-${i}`;
      const deps = previous.length === 0 ? [] : [...new Set([previous[i % previous.length] as string, previous[Math.floor(rnd() * previous.length)] as string])];
      tasks.push({ id, op: 'synthetic.work', args: { ms: sleepMs, outputBytes: typeof outputBytes === 'number' ? outputBytes : outputBytes(rnd), mode: 'sleep' }, ...(deps.length ? { deps } : {}) });
      current.push(id);
    }
    previous = current;
  }
  return { name: `layered-${seed}`, tasks };
}

/**
 * A seeded kill schedule for the embedded thread pool (or the emulator): the first attempt of
 * about `share` of the executors is killed 0 to `maxDelayMs` ms after dispatch, before, during or
 * after its tasks, uploads and fan-in marks; retries are left alone. `killed` lists who was hit.
 */
export function killFirstAttempts(seed: number, share: number, maxDelayMs: number): { killAfterMs: (id: string, attempt: number) => number | undefined; killed: string[] } {
  let s = seed * 7919;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const killed: string[] = [];
  return {
    killed,
    killAfterMs: (id, attempt) => {
      if (attempt !== 0 || rnd() >= share) return undefined;
      killed.push(id);
      return rnd() * maxDelayMs;
    },
  };
}
