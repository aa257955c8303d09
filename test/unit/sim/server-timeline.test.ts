import { describe, expect, it } from 'vitest';
import { ServerTimeline } from '../../../src/sim/server-timeline.js';
import { StoreModel } from '../../../src/sim/store-model.js';
import { SeededRandom } from '../../../src/sim/seeded-random.js';
import type { StoreProfile } from '../../../src/cost/profile.js';

describe('ServerTimeline', () => {
  it('a transfer whose bytes arrive first uses the server first, ahead of one reserved for later', () => {
    const server = new ServerTimeline();
    // Issued at 0, but its bytes reach the server only at 500 (queued behind its executor's link).
    expect(server.reserve(500, 10, 0)).toBe(510);
    // Issued at 1 by another executor whose link is free: the server is idle until 500.
    expect(server.reserve(1, 10, 1)).toBe(11);
    // One that does not fit before 500 waits for the stretch to end.
    expect(server.reserve(495, 10, 2)).toBe(520);
  });

  it('back-to-back reservations queue, merging into one busy stretch; a gap that fits is filled', () => {
    const server = new ServerTimeline();
    expect(server.reserve(0, 5, 0)).toBe(5);
    expect(server.reserve(0, 5, 0)).toBe(10);
    expect(server.reserve(3, 5, 3)).toBe(15);
    expect(server.reserve(30, 5, 3)).toBe(35);
    expect(server.reserve(15, 15, 4)).toBe(30); // exactly the gap 15-30
    expect(server.reserve(5, 1, 5)).toBe(36); // busy 0-35 in one stretch
  });
});

describe('StoreModel with a shared server', () => {
  // 1 ms latency, 1 MB/s per function (1,000 bytes/ms), a server 10x faster.
  const store: StoreProfile = {
    getLatency: { medianMs: 1, p90Ms: 1 },
    putLatency: { medianMs: 1, p90Ms: 1 },
    functionBandwidth: [{ memoryMb: 1024, mbPerSecond: 1 }],
    serverMbPerSecond: 10,
    usdPerPut: 0,
    usdPerGet: 0,
  };

  it("an executor's transfer does not wait behind another executor's puts still queued on that one's link", () => {
    const model = new StoreModel(store, 1024, new SeededRandom(1, 0));
    const busy = { freeAtMs: 0 };
    // Executor A issues ten 1,000-byte puts at once: they leave its link one per ms, 2-11 ms.
    let last = 0;
    for (let i = 0; i < 10; i += 1) last = model.transferEndMs('put', 1000, 0, busy);
    expect(last).toBe(11);
    // Executor B's put at 0 moves its bytes 1-2 ms; the server (0.1 ms per put) is idle then.
    expect(model.transferEndMs('put', 1000, 0, { freeAtMs: 0 })).toBe(2);
  });
});
