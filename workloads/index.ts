import { gemmWorkload } from './generators/gemm.js';
import { svcWorkload } from './generators/svc.js';
import { svdSquareWorkload } from './generators/svd-square.js';
import { svdWorkload } from './generators/svd.js';
import { trWorkload } from './generators/tr.js';
import { tsqrWorkload } from './generators/tsqr.js';
import type { AnyWorkload } from './workload.js';

export type { AnyWorkload, PresetName, VerifyResult, Workload, WorkloadCheck } from './workload.js';
export { PRESET_NAMES } from './workload.js';
export { describeParams, resolveParams, type ParamDescription, type ParamChoices } from './params.js';
export { evaluateWorkloadSequentially } from './evaluate-sequentially.js';

/** Every workload `wukong replay` knows, in the order `--list` prints them. */
export const WORKLOADS: readonly AnyWorkload[] = Object.freeze([
  trWorkload as unknown as AnyWorkload,
  gemmWorkload as unknown as AnyWorkload,
  tsqrWorkload as unknown as AnyWorkload,
  svdWorkload as unknown as AnyWorkload,
  svdSquareWorkload as unknown as AnyWorkload,
  svcWorkload as unknown as AnyWorkload,
]);

export function findWorkload(name: string): AnyWorkload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
