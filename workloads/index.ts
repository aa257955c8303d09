import { gemmWorkload } from './generators/gemm.js';
import { pipelineWorkload } from './generators/pipeline.js';
import { svcWorkload } from './generators/svc.js';
import { svdSquareWorkload } from './generators/svd-square.js';
import { svdWorkload } from './generators/svd.js';
import { trWorkload } from './generators/tr.js';
import { tsqrWorkload } from './generators/tsqr.js';
import type { AnyWorkload, Workload } from './workload.js';

export type { AnyWorkload, PresetName, VerifyResult, Workload, WorkloadCheck, WorkloadContext } from './workload.js';
export { PRESET_NAMES } from './workload.js';
export { describeParams, resolveParams, type ParamDescription, type ParamChoices } from './params.js';
export { evaluateWorkloadSequentially } from './evaluate-sequentially.js';

/**
 * Forgets a workload's parameter type. Sound as callers use it: params only ever come from the
 * same workload's `paramsSchema` (see resolveParams) before reaching its generate/verify.
 */
function erased<Params extends Record<string, number>>(workload: Workload<Params>): AnyWorkload {
  return workload as unknown as AnyWorkload;
}

/** Every workload `wukong replay` knows, in the order `--list` prints them. */
export const WORKLOADS: readonly AnyWorkload[] = Object.freeze([
  erased(trWorkload),
  erased(gemmWorkload),
  erased(tsqrWorkload),
  erased(svdWorkload),
  erased(svdSquareWorkload),
  erased(svcWorkload),
  erased(pipelineWorkload),
]);

export function findWorkload(name: string): AnyWorkload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
