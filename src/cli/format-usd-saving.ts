/**
 * The `saving` line of `wukong plan --planner nonuniform`: a plan's dollars are millionths, so
 * six decimals printed a real 2.8 % saving as $0.000000. The saving is shown to three significant
 * digits, with its share of uniform's cost beside it.
 */
export function formatUsdSaving(savingUsd: number, uniformCostUsd: number): string {
  const share = uniformCostUsd > 0 ? ` (${formatPercent((savingUsd / uniformCostUsd) * 100)} of uniform's cost)` : '';
  return `$${significantUsd(savingUsd)}${share} vs uniform ($${uniformCostUsd.toFixed(6)})`;
}

/** At least six decimals (as every cost is printed), more where needed for three significant digits. */
function significantUsd(usd: number): string {
  if (usd === 0 || !Number.isFinite(usd)) return usd.toFixed(6);
  const decimals = Math.max(6, 2 - Math.floor(Math.log10(Math.abs(usd))));
  // toFixed takes at most 100 digits; a saving of 1e-98 dollars is 0 to anyone.
  return usd.toFixed(Math.min(decimals, 100));
}

function formatPercent(percent: number): string {
  return `${Math.abs(percent) < 1 ? percent.toFixed(2) : percent.toFixed(1)} %`;
}
