import * as z from 'zod';
import type { OpCost } from '../ops/op-definition.js';

/**
 * Kernel rates: how fast one vCPU does each class of work an op declares (OpDefinition.cost), so a
 * profile turns flops and bytes into time. A task's compute time at one full vCPU is
 *   overheadMs + max(flops / flop rate, bytes / byte rate) / lambdaVcpuFactor + cpuMs
 * (a roofline: whichever of arithmetic and memory traffic is slower bounds the kernel), and its
 * run time is that, stretched by the tier's CPU share, plus waitMs (a sleep, not stretched).
 *
 * A kernel that runs on several threads (BLAS matmul, LAPACK qr and svd) declares its
 * `parallelEfficiency` e: on a tier of v > 1 vCPUs its roofline part runs 1 + (v - 1) e times
 * faster than on one vCPU (profile.ts computeSlowdown). Below one vCPU every kernel is stretched
 * alike. A kernel without the field is single-threaded, as the project's own JavaScript ops are.
 *
 * A kernel priced by one kind of work only (elementwise, copy: bytes; matmul, qr: flops in the
 * `aws` table) prices a declared amount of the other kind at the table's `default` rate for it,
 * which the schema requires to have both: the roofline then still takes the slower of the two. So
 * 1e12 flops declared on `elementwise` cost what 1e12 flops cost, not nothing, while an ordinary
 * elementwise pass (one flop per 24 bytes) stays bounded by its bytes.
 */

/** A measured rate at one work size; between points the rate is interpolated in log(flops). */
export const FlopRatePointSchema = z.object({ flops: z.number().positive().finite(), gflopsPerSecond: z.number().positive().finite() }).strict();

/** A measured parallel efficiency at one work size; interpolated in log(flops) as rates are. */
export const EfficiencyPointSchema = z.object({ flops: z.number().positive().finite(), efficiency: z.number().min(0).max(1) }).strict();

export const KernelRateSchema = z
  .object({
    /** Arithmetic rate: one figure, or figures by work size (BLAS is faster on larger blocks). */
    gflopsPerSecond: z.union([z.number().positive().finite(), z.array(FlopRatePointSchema).min(1)]).optional(),
    /** Memory rate over bytes read plus written (1 GB = 1e9 bytes). */
    gbPerSecond: z.number().positive().finite().optional(),
    /** Fixed cost of one call (dispatch, allocation) in ms. */
    overheadMs: z.number().nonnegative().finite().optional(),
    /**
     * Multi-threaded kernels only: the speed-up each vCPU beyond the first adds, 0 to 1 (speed-up on
     * v vCPUs = 1 + (v - 1) e); one figure, or figures by work size (threads pay off on larger
     * calls). Absent: single-threaded, no faster above one vCPU.
     */
    parallelEfficiency: z.union([z.number().min(0).max(1), z.array(EfficiencyPointSchema).min(1)]).optional(),
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
    /**
     * Rates by kernel name (OpCost.kernel); `default` prices a kernel the table does not name, and
     * the kind of work (flops or bytes) a named kernel has no rate for, so it needs both rates.
     */
    kernels: z
      .record(z.string(), KernelRateSchema)
      .refine((k) => 'default' in k, { message: 'kernels must include "default"' })
      .refine((k) => !('default' in k) || (k.default?.gflopsPerSecond !== undefined && k.default.gbPerSecond !== undefined), {
        message: 'kernels.default needs both gflopsPerSecond and gbPerSecond: it prices the flops or bytes a kernel has no rate for',
      }),
  })
  .strict();

export type FlopRatePoint = z.infer<typeof FlopRatePointSchema>;
export type EfficiencyPoint = z.infer<typeof EfficiencyPointSchema>;
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
  /** The part of computeMs the kernel spreads over threads (its roofline time); 0 when single-threaded. */
  readonly threadedMs: number;
  /** The kernel's parallel efficiency at this work size (0: single-threaded). */
  readonly parallelEfficiency: number;
}

/** The compute and wait time of one declared run under a rate table. */
export function priceOpCost(cost: OpCost, table: KernelTable): PricedCost {
  const named = cost.kernel !== undefined && Object.hasOwn(table.kernels, cost.kernel) ? cost.kernel : 'default';
  const rate = table.kernels[named] as KernelRate;
  const fallback = table.kernels.default as KernelRate;
  const flops = nonNegative(cost.flops);
  const bytes = nonNegative(cost.bytesRead) + nonNegative(cost.bytesWritten) + nonNegative(cost.bytes);
  // Work of a kind the kernel has no rate for is priced at default's rate for it (see the top).
  const flopRate = rate.gflopsPerSecond ?? fallback.gflopsPerSecond;
  const byteRate = rate.gbPerSecond ?? fallback.gbPerSecond;
  // 1 GFLOP/s = 1e6 flops per ms; 1 GB/s = 1e6 bytes per ms.
  const flopMs = flops > 0 && flopRate !== undefined ? flops / (gflopsAt(flopRate, flops) * 1e6) : 0;
  const byteMs = bytes > 0 && byteRate !== undefined ? bytes / (byteRate * 1e6) : 0;
  const rooflineMs = Math.max(flopMs, byteMs) / table.lambdaVcpuFactor;
  const computeMs = (rate.overheadMs ?? 0) + rooflineMs + nonNegative(cost.cpuMs);
  const parallelEfficiency = rate.parallelEfficiency === undefined ? 0 : efficiencyAt(rate.parallelEfficiency, flops);
  // Dispatch overhead and declared cpuMs stay on one thread; only the kernel proper is threaded.
  const threadedMs = parallelEfficiency > 0 ? rooflineMs : 0;
  return { computeMs, waitMs: nonNegative(cost.waitMs), kernel: named, threadedMs, parallelEfficiency };
}

/** The flop rate at a work size: interpolated in log(flops) between points, flat beyond the ends. */
export function gflopsAt(rate: number | readonly FlopRatePoint[], flops: number): number {
  if (typeof rate === 'number') return rate;
  return interpolateInLogFlops(rate.map((p) => [p.flops, p.gflopsPerSecond] as const), flops);
}

/** The parallel efficiency at a work size: interpolated in log(flops) between points, flat beyond the ends. */
export function efficiencyAt(efficiency: number | readonly EfficiencyPoint[], flops: number): number {
  if (typeof efficiency === 'number') return efficiency;
  return interpolateInLogFlops(efficiency.map((p) => [p.flops, p.efficiency] as const), flops);
}

/** Linear in log(flops) between (flops, value) points, flat beyond the ends. */
function interpolateInLogFlops(unsorted: readonly (readonly [number, number])[], flops: number): number {
  const points = [...unsorted].sort((a, b) => a[0] - b[0]);
  const first = points[0] as readonly [number, number];
  const last = points[points.length - 1] as readonly [number, number];
  if (flops <= first[0]) return first[1];
  if (flops >= last[0]) return last[1];
  for (let i = 1; i < points.length; i += 1) {
    const high = points[i] as readonly [number, number];
    const low = points[i - 1] as readonly [number, number];
    if (flops <= high[0]) {
      const t = Math.log(flops / low[0]) / Math.log(high[0] / low[0]);
      return low[1] + t * (high[1] - low[1]);
    }
  }
  return last[1];
}

function nonNegative(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}
