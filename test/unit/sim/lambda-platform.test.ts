import { describe, expect, it } from 'vitest';
import { SimulatedLambdaPlatform, type InvocationRequest, type Placement } from '../../../src/sim/lambda-platform.js';
import { DETERMINISTIC_PROFILE, type CostProfile } from '../../../src/cost/profile.js';
import { SeededRandom } from '../../../src/sim/seeded-random.js';

function platform(lambda: Partial<CostProfile['lambda']>, warm = 0) {
  const placements: Placement[] = [];
  const wakes: number[] = [];
  const model = new SimulatedLambdaPlatform(
    { ...DETERMINISTIC_PROFILE.lambda, ...lambda },
    new SeededRandom(1, 1),
    { place: (p) => placements.push(p), wakeAt: (t) => wakes.push(t) },
    warm,
  );
  return { model, placements, wakes };
}

const request = (taskId: string, at = 0): InvocationRequest => ({ taskId, source: taskId, inline: [], acceptedAtMs: at });

describe('SimulatedLambdaPlatform', () => {
  it('starts cold without a warm environment and warm with one', () => {
    const { model, placements } = platform({});
    model.submit(request('a'), 0);
    expect(placements[0]).toMatchObject({ cold: true, assignedAtMs: 0, handlerStartMs: 100 });
    model.release(placements[0]?.container as Placement['container'], 200);
    model.submit(request('b', 250), 250);
    expect(placements[1]).toMatchObject({ cold: false, handlerStartMs: 260 });
    expect(placements[1]?.container).toBe(placements[0]?.container);
  });

  it('queues beyond the concurrency limit and serves the queue FIFO as executions end', () => {
    const { model, placements } = platform({ accountConcurrency: 2 });
    for (const id of ['a', 'b', 'c', 'd']) model.submit(request(id), 0);
    expect(placements.map((p) => p.request.taskId)).toEqual(['a', 'b']);
    expect(model.stats.queuedInvocations).toBe(2);
    model.release(placements[1]?.container as Placement['container'], 50);
    expect(placements.map((p) => p.request.taskId)).toEqual(['a', 'b', 'c']);
    expect(placements[2]).toMatchObject({ cold: false, assignedAtMs: 50 });
    expect(model.stats.maxConcurrentExecutions).toBe(2);
  });

  it('creates at most burstEnvironments per window and wakes when the window moves on', () => {
    const { model, placements, wakes } = platform({ burstEnvironments: 2, burstWindowMs: 1000 });
    for (const id of ['a', 'b', 'c']) model.submit(request(id), 10);
    expect(placements).toHaveLength(2);
    expect(wakes).toEqual([1010]);
    model.wake(1010);
    expect(placements).toHaveLength(3);
    expect(placements[2]).toMatchObject({ cold: true, assignedAtMs: 1010 });
  });

  it('reclaims environments idle longer than idleExpiryMs', () => {
    const { model, placements } = platform({ idleExpiryMs: 1000 }, 2);
    model.submit(request('a'), 500);
    expect(placements[0]?.cold).toBe(false);
    model.release(placements[0]?.container as Placement['container'], 600);
    model.submit(request('b'), 2000);
    expect(placements[1]?.cold).toBe(true);
    expect(model.stats.expiredContainers).toBe(2);
  });
});
