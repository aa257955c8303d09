import { DEFAULT_TTL_SECONDS, type Coordinator, type FanInMark } from '../coordinator.js';
import { sweepIntervalMs, TtlMap } from './ttl-map.js';

interface FanIn {
  readonly members: Set<string>;
  completer?: string;
}

/** The Coordinator in one process: each operation is atomic because JavaScript runs it to completion. */
export class MemoryCoordinator implements Coordinator {
  private readonly fanIns: TtlMap<FanIn>;
  private readonly claims: TtlMap<string>;
  private readonly counters: TtlMap<number>;
  private readonly values: TtlMap<string>;
  private readonly inboxes: TtlMap<string[]>;
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly maps: TtlMap<unknown>[];
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: { ttlSeconds?: number } = {}) {
    const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.fanIns = new TtlMap(ttl);
    this.claims = new TtlMap(ttl);
    this.counters = new TtlMap(ttl);
    this.values = new TtlMap(ttl);
    this.inboxes = new TtlMap(ttl);
    this.maps = [this.fanIns, this.claims, this.counters, this.values, this.inboxes] as TtlMap<unknown>[];
    this.sweeper = setInterval(() => this.maps.forEach((m) => m.sweep()), sweepIntervalMs(ttl));
    this.sweeper.unref();
  }

  async markFanIn(key: string, parentId: string, expected: number): Promise<FanInMark> {
    const fanIn = this.fanIns.get(key) ?? { members: new Set<string>() };
    const duplicate = fanIn.members.has(parentId);
    fanIn.members.add(parentId);
    if (fanIn.completer === undefined && fanIn.members.size >= expected) fanIn.completer = parentId;
    this.fanIns.set(key, fanIn);
    return { complete: fanIn.completer === parentId, marked: fanIn.members.size, duplicate };
  }

  async fanInMembers(key: string): Promise<string[]> {
    return [...(this.fanIns.get(key)?.members ?? [])];
  }

  async claim(key: string, owner: string): Promise<boolean> {
    const holder = this.claims.get(key);
    if (holder !== undefined && holder !== owner) return false;
    this.claims.set(key, owner); // the holder's repeat renews the TTL, as claim.lua does
    return true;
  }

  async increment(key: string, by = 1): Promise<number> {
    const value = (this.counters.get(key) ?? 0) + by;
    this.counters.set(key, value);
    return value;
  }

  async setValue(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async getValue(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async send(key: string, message: string): Promise<void> {
    const inbox = this.inboxes.get(key) ?? [];
    inbox.push(message);
    this.inboxes.set(key, inbox);
    const waiting = this.waiters.get(key);
    if (waiting) for (const wake of [...waiting]) wake();
  }

  async receive(key: string, timeoutMs: number): Promise<string[]> {
    const take = () => {
      const inbox = this.inboxes.get(key);
      if (!inbox || inbox.length === 0) return undefined;
      this.inboxes.set(key, []);
      return inbox;
    };
    const ready = take();
    if (ready) return ready;
    return new Promise((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiting);
      const finish = (messages: string[]) => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0) this.waiters.delete(key);
        resolve(messages);
      };
      const wake = () => {
        const messages = take();
        if (messages) finish(messages);
      };
      const timer = setTimeout(() => finish([]), timeoutMs);
      waiting.add(wake);
    });
  }

  async deletePrefix(prefix: string): Promise<number> {
    return this.maps.reduce((sum, map) => sum + map.deletePrefix(prefix), 0);
  }

  async keys(prefix: string): Promise<string[]> {
    return this.maps.flatMap((map) => map.keys(prefix));
  }

  async ttlMs(key: string): Promise<number> {
    for (const map of this.maps) {
      const ttl = map.ttlMs(key);
      if (ttl !== -2) return ttl;
    }
    return -2;
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
