import { MB_PER_VCPU } from '../model/cost-model.js';

/**
 * AWS Lambda docs, "Configure Lambda function memory": CPU is allocated in proportion to memory,
 * and 1,769 MB buys one full vCPU (DESIGN.md §6).
 */
export const LAMBDA_MB_PER_VCPU = MB_PER_VCPU;

/**
 * The share of one vCPU a task gets on a worker of `memoryMb`: min(1, memoryMb / 1769).
 *
 * Capped at 1 on purpose: the ops run single-threaded JavaScript, so a 3,538 MB worker's second
 * vCPU does not make one task faster, and recorded history is of these ops. (The simulator's
 * multi-threaded kernels, aws-blas matmul, qr and svd, scale by their own parallel efficiency:
 * src/cost/profile.ts computeSlowdown.)
 * The worker's `vcpu` field is not used: Lambda derives CPU from memory, and the recorded `vcpu` is
 * that same figure. The model also assumes CPU-bound work; a task that mostly waits (e.g.
 * synthetic.work in sleep mode) is predicted as if it computed, i.e. pessimistically on small tiers.
 */
export function cpuShareOf(worker: { readonly memoryMb: number }): number {
  return Math.min(1, worker.memoryMb / LAMBDA_MB_PER_VCPU);
}
