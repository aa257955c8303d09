import { functionBytesPerMs, type StoreProfile } from '../cost/profile.js';
import type { SeededRandom } from './seeded-random.js';
import { ServerTimeline } from './server-timeline.js';

/** One executor's network link: transfers share it one after another. */
export interface Link {
  freeAtMs: number;
}

/**
 * Time of transfers to and from the intermediate store. A transfer waits its request latency,
 * then moves its bytes over the executor's link at the function's bandwidth (concurrent transfers
 * of one executor queue on its link, FIFO); a store with a shared server (one Redis node) also
 * reserves the bytes on the server's throughput from when the link starts sending them, in the
 * server's first idle stretch from then on (./server-timeline.ts), and ends no earlier than that.
 */
export class StoreModel {
  private readonly linkBytesPerMs: number;
  private readonly serverBytesPerMs: number | undefined;
  private readonly server = new ServerTimeline();
  /** Link bandwidth by memory tier, for executors of other tiers than the constructor's (planned mode). */
  private readonly tierBytesPerMs = new Map<number, number>();

  constructor(
    private readonly store: StoreProfile,
    memoryMb: number,
    private readonly random: SeededRandom,
  ) {
    this.linkBytesPerMs = functionBytesPerMs(store, memoryMb);
    // MB/s to bytes/ms: x 1,000,000 / 1,000.
    this.serverBytesPerMs = store.serverMbPerSecond === undefined ? undefined : store.serverMbPerSecond * 1000;
  }

  /**
   * When a transfer of `bytes` issued at `nowMs` over `link` completes. `memoryMb`: the executor's
   * tier when it differs from the constructor's (planned workers have their own tiers); the server
   * is shared across tiers either way.
   */
  transferEndMs(direction: 'get' | 'put', bytes: number, nowMs: number, link: Link, memoryMb?: number): number {
    const latencyMs = this.random.lognormal(direction === 'get' ? this.store.getLatency : this.store.putLatency);
    const bytesStartMs = Math.max(nowMs + latencyMs, link.freeAtMs);
    let endMs = bytesStartMs + bytes / (memoryMb === undefined ? this.linkBytesPerMs : this.bytesPerMsAt(memoryMb));
    link.freeAtMs = endMs;
    if (this.serverBytesPerMs !== undefined && bytes > 0) {
      endMs = Math.max(endMs, this.server.reserve(bytesStartMs, bytes / this.serverBytesPerMs, nowMs));
    }
    return endMs;
  }

  private bytesPerMsAt(memoryMb: number): number {
    let bytesPerMs = this.tierBytesPerMs.get(memoryMb);
    if (bytesPerMs === undefined) {
      bytesPerMs = functionBytesPerMs(this.store, memoryMb);
      this.tierBytesPerMs.set(memoryMb, bytesPerMs);
    }
    return bytesPerMs;
  }
}
