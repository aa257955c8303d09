import type { Coordinator } from '../storage/coordinator.js';

/**
 * Whether a run's client is still following it, for `wukong gc`: the client writes
 * `wk:{runId}:live` when it stores the spec, refreshes it every LIVE_HEARTBEAT_MS while it waits
 * for events, and marks it finished when the run ends. A run is live while the mark says running
 * and was refreshed within LIVE_STALE_MS; a client that died leaves a mark that goes stale.
 */
export const LIVE_HEARTBEAT_MS = 5_000;
export const LIVE_STALE_MS = 30_000;

interface LiveMark {
  readonly state: 'running' | 'finished';
  readonly heartbeatAt: number;
}

export async function writeLiveMark(coordinator: Coordinator, key: string, state: LiveMark['state'], now: number): Promise<void> {
  const mark: LiveMark = { state, heartbeatAt: Math.round(now) };
  await coordinator.setValue(key, JSON.stringify(mark));
}

/** ms since the run's client last reported it running, or undefined when the run is not live. */
export async function liveFor(coordinator: Coordinator, key: string, now: number): Promise<number | undefined> {
  const text = await coordinator.getValue(key);
  if (text === undefined) return undefined;
  let mark: Partial<LiveMark>;
  try {
    mark = JSON.parse(text) as Partial<LiveMark>;
  } catch {
    return undefined;
  }
  if (mark.state !== 'running' || typeof mark.heartbeatAt !== 'number') return undefined;
  const age = now - mark.heartbeatAt;
  return age < LIVE_STALE_MS ? Math.max(0, age) : undefined;
}
