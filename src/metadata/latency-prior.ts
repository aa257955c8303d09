import type { Sla } from './sla.js';

/**
 * A documented latency figure with spread, `{ medianMs, p90Ms }` (the form DESIGN.md §6 and the
 * simulator's profile give), read as a log-normal distribution: latencies are positive and
 * right-skewed, and two quantiles fix a log-normal exactly. Used only for defaults, when no history
 * exists; fitted predictions use the observed residuals instead.
 */
export interface LatencyPrior {
  readonly medianMs: number;
  readonly p90Ms: number;
}

/** The standard normal's 90th percentile. */
const Z_90 = 1.2815515655446004;

/**
 * Percentiles of a prior are clamped to [0.1, 99.9]: a log-normal's p0 is 0 and its p100 infinite,
 * neither a useful planning figure.
 */
const PRIOR_PERCENTILE_RANGE = { min: 0.1, max: 99.9 } as const;

export function latencyPriorStatistic(prior: LatencyPrior, sla: Sla): number {
  const sigma = prior.p90Ms > prior.medianMs && prior.medianMs > 0 ? Math.log(prior.p90Ms / prior.medianMs) / Z_90 : 0;
  if (sla === 'avg') return prior.medianMs * Math.exp((sigma * sigma) / 2);
  if (sla === 'median' || sigma === 0) return prior.medianMs;
  const p = Math.min(PRIOR_PERCENTILE_RANGE.max, Math.max(PRIOR_PERCENTILE_RANGE.min, sla.percentile));
  return prior.medianMs * Math.exp(sigma * inverseStandardNormal(p / 100));
}

/**
 * The standard normal quantile function, by P. J. Acklam's rational approximation (relative error
 * below 1.2e-9 on (0, 1)).
 */
export function inverseStandardNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`probability must be within (0, 1), got ${p}`);
  if (p === 0.5) return 0;
  const pLow = 0.02425;
  if (p < pLow) return lowerTail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - pLow) return -lowerTail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  const numerator = (((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r - 3.066479806614716e1) * r + 2.506628277459239) * q;
  const denominator = ((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r - 1.328068155288572e1) * r + 1;
  return numerator / denominator;
}

function lowerTail(q: number): number {
  const numerator = ((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q + 4.374664141464968) * q + 2.938163982698783;
  const denominator = (((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1;
  return numerator / denominator;
}

/** P(latency <= ms) under the prior's log-normal (a step at the median without spread). */
export function latencyPriorCdf(prior: LatencyPrior, ms: number): number {
  if (!(ms > 0)) return 0;
  const sigma = prior.p90Ms > prior.medianMs && prior.medianMs > 0 ? Math.log(prior.p90Ms / prior.medianMs) / Z_90 : 0;
  if (sigma === 0) return ms >= prior.medianMs ? 1 : 0;
  return standardNormalCdf(Math.log(ms / prior.medianMs) / sigma);
}

/** The standard normal's CDF, from the complementary error function (Numerical Recipes' erfcc: relative error below 1.2e-7). */
export function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409191 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}
