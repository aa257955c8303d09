import type * as z from 'zod';
import type { DagSpec } from '../src/model/dag-schema.js';
import type { Value } from '../src/data/value.js';

/**
 * One numerical check of a verifier: `value` compared with `threshold`. Most checks are errors
 * (`bound: 'max'`, ok when value <= threshold); a few are scores (`bound: 'min'`, ok when
 * value >= threshold, e.g. accuracy).
 */
export interface WorkloadCheck {
  readonly name: string;
  readonly value: number;
  readonly threshold: number;
  readonly bound: 'max' | 'min';
  readonly ok: boolean;
  /** Why the check failed, where a number alone does not say (a missing output, a bad shape). */
  readonly detail?: string;
}

export interface VerifyResult {
  readonly ok: boolean;
  readonly checks: readonly WorkloadCheck[];
}

/** Named parameter sets: `--size small` picks one; the e2e tests use `small`. */
export type PresetName = 'small' | 'medium' | 'large';
export const PRESET_NAMES: readonly PresetName[] = ['small', 'medium', 'large'];

/**
 * A workload generator: a seeded parametric DAG built from registered ops only, and a verifier
 * that recomputes the inputs from the same seeds and checks the outputs numerically.
 * `Params` is inferred from `paramsSchema` (a strict zod object whose fields carry a default and
 * a description, which `wukong replay --list` prints).
 */
export interface Workload<Params extends Record<string, number> = Record<string, number>> {
  readonly name: string;
  readonly description: string;
  readonly paramsSchema: z.ZodType<Params, Record<string, number>> & { readonly shape: Record<string, z.ZodType> };
  /** The parameter `--size` sets (a number, or a preset name for every parameter at once). */
  readonly sizeParam: keyof Params & string;
  /** The parameter `--block` sets, if the workload is blocked. */
  readonly blockParam?: keyof Params & string;
  /** Parameters of each preset; the rest take their defaults. */
  readonly presets: Readonly<Record<PresetName, Readonly<Partial<Params>>>>;
  /** The task count as a formula of the parameters, for `--list` and the README. */
  readonly taskCountFormula: string;
  /** The task count the formula gives (tests check it against `generate`). */
  taskCount(params: Params): number;
  generate(params: Params, context?: WorkloadContext): DagSpec;
  /**
   * Data workloads only: writes the source files `generate` reads under `context.dataRoot`
   * (skipped when a previous call finished writing them). Runs before the DAG does.
   */
  prepareData?(params: Params, context: WorkloadContext): Promise<void>;
  /** `outputs` maps each output ref of the generated DAG (`task` or `task#i`) to its value. */
  verify(params: Params, outputs: ReadonlyMap<string, Value>): VerifyResult;
}

/** Where data workloads keep their generated source files: a local directory or s3://bucket/prefix. */
export interface WorkloadContext {
  readonly dataRoot: string;
}

/** A workload of any parameter type, as the registry lists them (methods are bivariant). */
export type AnyWorkload = Workload<Record<string, number>>;
