import type { CostEstimate } from '../model/cost-model.js';
import type { ExecutorReport } from '../model/run-events.js';
import type { CostProfile, StoreKind } from '../cost/profile.js';

export interface StoreRequests {
  readonly puts: number;
  readonly gets: number;
  /** GETs of data sources (table.read), priced at S3's rate whatever the intermediate store. */
  readonly sourceGets?: number;
}

/**
 * The run's price at the profile's rates: GB-seconds of every executor's billed duration (rounded
 * up to the billing granularity), requests, and the store's per-request prices. Same formula
 * shape as src/model/cost-model.ts, so simulated and real reports read alike.
 */
export function simulatedCost(profile: CostProfile, executors: readonly ExecutorReport[], storeKind: StoreKind, requests: StoreRequests): CostEstimate {
  const { billingGranularityMs, usdPerGbSecond, usdPerRequest } = profile.lambda;
  let gbSeconds = 0;
  for (const e of executors) {
    const billedMs = Math.ceil((e.endedAt - e.startedAt) / billingGranularityMs) * billingGranularityMs;
    gbSeconds += (billedMs / 1000) * (e.memoryMb / 1024);
  }
  const store = profile.stores[storeKind];
  const invocations = executors.length;
  const storeUsd = requests.puts * store.usdPerPut + requests.gets * store.usdPerGet;
  const sourceGets = requests.sourceGets ?? 0;
  const sourceUsd = sourceGets * profile.stores.s3.usdPerGet;
  const usd = gbSeconds * usdPerGbSecond + invocations * usdPerRequest + storeUsd + sourceUsd;
  const perK = (usd: number) => `$${Number((usd * 1000).toPrecision(6))}/1k`;
  const storePart = storeUsd > 0 ? ` + ${requests.puts} PUT x ${perK(store.usdPerPut)} + ${requests.gets} GET x ${perK(store.usdPerGet)}` : '';
  const sourcePart = sourceUsd > 0 ? ` + ${sourceGets} source GET x ${perK(profile.stores.s3.usdPerGet)}` : '';
  const formula = `${gbSeconds.toFixed(3)} GB-s x $${usdPerGbSecond} + ${invocations} requests x $${Number((usdPerRequest * 1e6).toPrecision(6))}/1M${storePart}${sourcePart} = $${usd.toFixed(6)}`;
  return { usd, gbSeconds, formula };
}
