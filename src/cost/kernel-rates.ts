import * as z from 'zod';
import type { OpCost } from '../ops/op-definition.js';

/**
 * Kernel rates: how fast one vCPU does each class of work an op declares (OpDefinition.cost), so a
 * profile turns flops and bytes into time. A task's compute time at one full vCPU is
 *   overheadMs + max(flops / flop rate, bytes / byte rate) / lambdaVcpuFactor + cpuMs
 * (a roofline: whichever of arithmetic and memory traffic is slower bounds the kernel), and its
 * run time is that, stretched by the tier's CPU share, plus waitMs (a sleep, not stretched).
 */

/** A measured rate at one work size; between points the rate is interpolated in log(flops). */
export const FlopRatePointSchema = z.object({ flops: z.number().positive().finite(), gflopsPerSecond: z.number().positive().finite() }).strict();

export const KernelRateSchema = z
  .object({
    /** Arithmetic rate: one figure, or figures by work size (BLAS is faster on larger blocks). */
    gflopsPerSecond: z.union([z.number().positive().finite(), z.array(FlopRatePointSchema).min(1)]).optional(),
    /** Memory rate over bytes read plus written (1 GB = 1e9 bytes). */
    gbPerSecond: z.number().positive().finite().optional(),
    /** Fixed cost of one call (dispatch, allocation) in ms. */
    overheadMs: z.number().nonnegative().finite().optional(),
    /** Where this kernel's figures come from. */
    source: z.string().optional(),
  })
  .strict();

export const KernelTableSchema = z
  .object({
    /** Where the table's figures come from (a measurement with its command and date, a paper). */
    source: z.string().min(1),
    /**
     * How fast a Lambda vCPU is relative to the core the rates were measured on: a rate here is
     * multiplied by it. 1 when the table is already per Lambda vCPU.
     */
    lambdaVcpuFactor: z.number().positive().finite(),
    /** Rates by kernel name (OpCost.kernel); `default` prices a kernel the table does not name. */
    kernels: z.record(z.string(), KernelRateSchema).refine((k) => 'default' in k, { message: 'kernels must include "default"' }),
  })
  .strict();

export type FlopRatePoint = z.infer<typeof FlopRatePointSchema>;
export type KernelRate = z.infer<typeof KernelRateSchema>;
export type KernelTable = z.infer<typeof KernelTableSchema>;

/** The kernel classes the built-in ops declare (src/ops/op-costs.ts). */
export const KERNEL_NAMES = ['matmul', 'qr', 'svd', 'elementwise', 'copy', 'random', 'fill', 'svc', 'synthetic', 'table', 'default'] as const;

/** A declaration's time split into what computes (stretched by CPU share) and what waits. */
export interface PricedCost {
  /** ms at one full vCPU. */
  readonly computeMs: number;
  /** ms waited (sleeps), the same at any CPU share. */
  readonly waitMs: number;
  /** The kernel whose rates priced it (the declaration's, or `default`). */
  readonly kernel: string;
}

/** The compute and wait time of one declared run under a rate table. */
export function priceOpCost(cost: OpCost, table: KernelTable): PricedCost {
  const named = cost.kernel !== undefined && Object.hasOwn(table.kernels, cost.kernel) ? cost.kernel : 'default';
  const rate = table.kernels[named] as KernelRate;
  const flops = nonNegative(cost.flops);
  const bytes = nonNegative(cost.bytesRead) + nonNegative(cost.bytesWritten) + nonNegative(cost.bytes);
  // 1 GFLOP/s = 1e6 flops per ms; 1 GB/s = 1e6 bytes per ms.
  const flopMs = flops > 0 && rate.gflopsPerSecond !== undefined ? flops / (gflopsAt(rate.gflopsPerSecond, flops) * 1e6) : 0;
  const byteMs = bytes > 0 && rate.gbPerSecond !== undefined ? bytes / (rate.gbPerSecond * 1e6) : 0;
  const computeMs = (rate.overheadMs ?? 0) + Math.max(flopMs, byteMs) / table.lambdaVcpuFactor + nonNegative(cost.cpuMs);
  return { computeMs, waitMs: nonNegative(cost.waitMs), kernel: named };
}

/** The flop rate at a work size: interpolated in log(flops) between points, flat beyond the ends. */
export function gflopsAt(rate: number | readonly FlopRatePoint[], flops: number): number {
  if (typeof rate === 'number') return rate;
  const points = [...rate].sort((a, b) => a.flops - b.flops);
  const first = points[0] as FlopRatePoint;
  const last = points[points.length - 1] as FlopRatePoint;
  if (flops <= first.flops) return first.gflopsPerSecond;
  if (flops >= last.flops) return last.gflopsPerSecond;
  for (let i = 1; i < points.length; i += 1) {
    const high = points[i] as FlopRatePoint;
    const low = points[i - 1] as FlopRatePoint;
    if (flops <= high.flops) {
      const t = Math.log(flops / low.flops) / Math.log(high.flops / low.flops);
      return low.gflopsPerSecond + t * (high.gflopsPerSecond - low.gflopsPerSecond);
    }
  }
  return last.gflopsPerSecond;
}

function nonNegative(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
