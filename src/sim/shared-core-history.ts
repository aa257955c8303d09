import type { MetadataHistory } from '../metadata/metadata-history.js';
import type { CostProfile } from '../cost/profile.js';

/**
 * The history as a simulation on shared cores (profile `lambda.sharedCpuCores`, the `local`
 * profile) should read it: a synchronous op's recorded CPU time (TaskRecordSchema's cpuMs) in
 * place of its wall time, which on cores shared by more threads than they have also holds its
 * waits for a core; the simulated cores make those waits themselves. Other profiles, records
 * without a CPU time, and awaited ops are left as recorded.
 */
export function historyForProfile(history: MetadataHistory, profile: CostProfile): MetadataHistory {
  if (profile.lambda.sharedCpuCores === undefined || !history.tasks.some((r) => r.cpuMs !== undefined && !r.awaited)) return history;
  return { ...history, tasks: history.tasks.map((r) => (r.cpuMs === undefined || r.awaited ? r : { ...r, execMs: r.cpuMs })) };
}
