import { latencyPriorCdf, latencyPriorStatistic, type LatencyPrior } from '../metadata/latency-prior.js';

/**
 * One hedged start worker's two copies (Plan.hedgeStarts; src/scheduler/planned-start.ts): when
 * each copy's Invoke call ends, and how it starts: the first copy cold (its tier's median
 * `coldMs`, spread as the platform's cold starts are), the hedge copy cold too, or warm
 * (`hedgeWarmMs`, taken as fixed: warm starts are short and narrow) on an environment that an
 * earlier losing copy left idle. The worker runs on whichever copy's handler begins first.
 */
export interface HedgedStart {
  readonly firstCallEndMs: number;
  readonly hedgeCallEndMs: number;
  readonly coldMs: number;
  readonly firstWarmMs?: number | undefined;
  readonly hedgeWarmMs?: number | undefined;
  /**
   * Both copies' calls race in the client's first round: the call ends above are each moved this
   * much earlier, to the median of the faster of two calls. That serves the typical start, but the
   * slowest of the wave (with the Invoke calls' spread given) draws each cold copy's call instead,
   * its median this much later: a worker begins with the copy whose call *and* cold start together
   * end first, min(a1 + c1, a2 + c2), not with the faster call and the faster cold start,
   * min(a1, a2) + min(c1, c2).
   */
  readonly raceSavingMs?: number | undefined;
}

/** When the worker is typically ready: the faster copy, each at its median start. */
export function typicalHedgedReadyMs(start: HedgedStart): number {
  return Math.min(start.firstCallEndMs + (start.firstWarmMs ?? start.coldMs), start.hedgeCallEndMs + (start.hedgeWarmMs ?? start.coldMs));
}

/**
 * The median of the slowest ready time of a hedged start wave: the t at which every worker is
 * ready with probability 1/2, P(max <= t) = prod_j P(ready_j <= t) = 1/2, where worker j is ready
 * by t unless both copies are still starting, P(ready_j > t) = (1 - F(t - a_j)) (1 - G_j(t - b_j)),
 * F the cold start's distribution (the platform's `prior`, moved to the tier's median) and G_j
 * the hedge copy's (F, or a step at its warm start). With both calls at the same instant this is
 * startTailMs's rule (the 1 - sqrt(1 - 0.5^(1/k)) quantile); it differs where the client's bounded
 * concurrency spreads the calls: TR under heft calls its 500 awaited workers over 8 rounds and
 * their hedge copies over 8 more (~460 ms later), so an early worker's slow first copy is
 * overtaken by its hedge and only the late calls decide the slowest. Taking the tail of 500
 * simultaneous hedged starts on top of every worker's own call put that plan's last first
 * addition at 1,172 ms where the simulation (seed 1) ran it at 909, and its makespan at 1,193 ms
 * against a simulated median of 964 (plan-agreement, aws, seeds 1..11: 0.808; now 1.001).
 * `invokePrior` (the Invoke calls' spread): a cold copy of a pair racing in the client's first
 * round has its a_j drawn from it (HedgedStart.raceSavingMs), F averaged over its quantiles.
 * Without a prior (no spread) it is the latest typical ready time.
 */
export function slowestHedgedReadyMs(prior: LatencyPrior | undefined, starts: readonly HedgedStart[], invokePrior?: LatencyPrior): number {
  let latest = Number.NEGATIVE_INFINITY;
  for (const start of starts) latest = Math.max(latest, typicalHedgedReadyMs(start));
  if (prior === undefined || starts.length === 0) return latest;
  // Without the calls' spread, racing calls keep the faster call's median (their call ends as given).
  const callOffsets = invokePrior === undefined ? undefined : callSpreadMs(invokePrior);
  const logHalf = Math.log(0.5);
  const logAllReady = (t: number): number => {
    let sum = 0;
    for (const start of starts) {
      const firstLate = copyLateAt(prior, t, start, start.firstCallEndMs, start.firstWarmMs, callOffsets);
      const hedgeLate = copyLateAt(prior, t, start, start.hedgeCallEndMs, start.hedgeWarmMs, callOffsets);
      const ready = 1 - firstLate * hedgeLate;
      if (ready <= 0) return Number.NEGATIVE_INFINITY;
      sum += Math.log(ready);
    }
    return sum;
  };
  // Bracket the root: below it, not all ready with probability 1/2; above it, all are.
  let lo = Math.min(...starts.map((s) => Math.min(s.firstCallEndMs, s.hedgeCallEndMs)));
  let step = Math.max(1, prior.medianMs);
  let hi = latest + step;
  while (logAllReady(hi) < logHalf && step < 1e9) {
    lo = hi;
    step *= 2;
    hi = latest + step;
  }
  for (let i = 0; i < 50 && hi - lo > 0.01; i += 1) {
    const mid = (lo + hi) / 2;
    if (logAllReady(mid) < logHalf) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** How many points of the Invoke latency's distribution a drawn call is spread over (midpoint quantiles). */
const CALL_SPREAD_POINTS = 16;

/** A call's end less its median, at CALL_SPREAD_POINTS midpoint quantiles of the Invoke latency. */
function callSpreadMs(invokePrior: LatencyPrior): number[] {
  const median = latencyPriorStatistic(invokePrior, 'median');
  return Array.from({ length: CALL_SPREAD_POINTS }, (_, i) => latencyPriorStatistic(invokePrior, { percentile: (100 * (i + 0.5)) / CALL_SPREAD_POINTS }) - median);
}

/**
 * P(one copy of `start`, its call ending at `callEndMs`, has not begun by `t`): a cold copy racing
 * in the client's first round draws its call (HedgedStart.raceSavingMs) when the calls' spread is
 * given; otherwise its call ends as given.
 */
function copyLateAt(prior: LatencyPrior, t: number, start: HedgedStart, callEndMs: number, warmMs: number | undefined, callOffsets: readonly number[] | undefined): number {
  const saving = start.raceSavingMs ?? 0;
  if (callOffsets !== undefined && saving > 0 && warmMs === undefined) return drawnCallLateAt(prior, t, callEndMs + saving, start.coldMs, callOffsets);
  return lateAt(prior, t, callEndMs, start.coldMs, warmMs);
}

/**
 * P(a cold copy whose call ends at a draw of the Invoke latency, median `callEndMs`, has not begun
 * by `t`): the cold start's lateness averaged over the call's quantiles.
 */
function drawnCallLateAt(prior: LatencyPrior, t: number, callEndMs: number, coldMs: number, offsets: readonly number[]): number {
  let late = 0;
  for (const offset of offsets) late += lateAt(prior, t, callEndMs + offset, coldMs, undefined);
  return late / offsets.length;
}

/** P(a copy whose call ended at `callEndMs` has not begun by `t`): a cold start spread as `prior`, moved to `coldMs`; a warm one fixed. */
function lateAt(prior: LatencyPrior, t: number, callEndMs: number, coldMs: number, warmMs: number | undefined): number {
  if (warmMs !== undefined) return t >= callEndMs + warmMs ? 0 : 1;
  return 1 - latencyPriorCdf(prior, t - callEndMs - coldMs + prior.medianMs);
}
