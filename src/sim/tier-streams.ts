/**
 * Which random stream each tier's simulated Lambda function draws its start-ups from.
 *
 * A plan's tiers are separate functions, each with its own stream (SimEngine's streams are below
 * 100). The plan's main tier, the one most of its workers use (the smaller on a tie), draws from
 * TIER_STREAM_BASE, as a one-tier plan's only tier always has; every other tier from
 * TIER_STREAM_BASE + its memory size. So a tier's draws do not depend on which other tiers the plan
 * has: numbered by rank among the plan's tiers, as before, a plan that put 10 of 89 workers on
 * 1,024 MB moved the 79 on 1,769 MB to another stream, and comparing it with the one-tier plan
 * measured the draw (svd-square, aws, paper size, seeds 1..21: nonuniform 1.13x uniform's median
 * makespan at the same forecast; 1.04x with the draws kept).
 */
export const TIER_STREAM_BASE = 100;

/** The tier most workers use (the smaller on a tie); undefined for no workers. */
export function mainTierOf(workerMemoryMb: Iterable<number>): number | undefined {
  const counts = new Map<number, number>();
  for (const memoryMb of workerMemoryMb) counts.set(memoryMb, (counts.get(memoryMb) ?? 0) + 1);
  let main: number | undefined;
  for (const [memoryMb, count] of counts) {
    const best = main === undefined ? -1 : (counts.get(main) as number);
    if (count > best || (count === best && memoryMb < (main as number))) main = memoryMb;
  }
  return main;
}

/** The start-up stream of the function of `memoryMb` in a plan whose main tier is `mainTierMb`. */
export function tierStreamOf(memoryMb: number, mainTierMb: number | undefined): number {
  return memoryMb === mainTierMb ? TIER_STREAM_BASE : TIER_STREAM_BASE + memoryMb;
}
