import type { RunReport } from './run-report.js';

/**
 * The memory tiers the run's executors were priced at, ascending, with how many executors each:
 * an executor reporting no tier (an embedded thread) is priced at the summary's costMemoryMb.
 * A planned run mixes tiers, so no single figure says what the cost was priced at.
 */
export function pricedTiers(report: RunReport): { readonly memoryMb: number; readonly executors: number }[] {
  const counts = new Map<number, number>();
  for (const executor of report.executors) {
    const memoryMb = executor.memoryMb || report.summary.costMemoryMb;
    counts.set(memoryMb, (counts.get(memoryMb) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a - b).map(([memoryMb, executors]) => ({ memoryMb, executors }));
}

/** `priced at 1769 MB`, or for mixed tiers `each executor at its own tier: 1024 MB x3, 3008 MB x2`. */
export function describePricedTiers(report: RunReport): string {
  const tiers = pricedTiers(report);
  if (tiers.length <= 1) return `priced at ${tiers[0]?.memoryMb ?? report.summary.costMemoryMb} MB`;
  return `each executor at its own tier: ${tiers.map((t) => `${t.memoryMb} MB x${t.executors}`).join(', ')}`;
}
