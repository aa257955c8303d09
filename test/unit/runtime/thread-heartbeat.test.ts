import { describe, expect, it } from 'vitest';
import { HEARTBEAT_MS, heldForMs, newHeartbeat, watchIntervalMs } from '../../../src/runtime/embedded/thread-heartbeat.js';

describe('thread heartbeat', () => {
  it('a beat counts as held only past its own interval', () => {
    const beat = newHeartbeat();
    const at = beat[0] as number;
    expect(heldForMs(beat, at)).toBe(0);
    expect(heldForMs(beat, at + HEARTBEAT_MS)).toBe(0);
    expect(heldForMs(beat, at + HEARTBEAT_MS + 2_500)).toBe(2_500);
  });

  it('is in shared memory, so another thread reads what this one wrote', () => {
    const beat = newHeartbeat();
    expect(beat.buffer).toBeInstanceOf(SharedArrayBuffer);
    const view = new Float64Array(beat.buffer);
    beat[0] = 42;
    expect(view[0]).toBe(42);
  });

  it('the pool looks at a quarter of the limit, between one beat and a second', () => {
    expect(watchIntervalMs(1_000)).toBe(250);
    expect(watchIntervalMs(100)).toBe(HEARTBEAT_MS);
    expect(watchIntervalMs(15 * 60_000)).toBe(1_000);
  });
});
