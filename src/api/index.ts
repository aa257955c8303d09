/**
 * The library API: what `import { ... } from 'wukong'` gives. The CLI is a thin layer over the same
 * modules. Values that flow between tasks are matrix blocks, bytes and Arrow tables (./values).
 */
export { defineOp, NO_ARGS } from '../ops/define-op.js';
export type { OpCost, OpDefinition } from '../ops/op-definition.js';
export type { OpArity } from '../dag/op-catalog.js';
export type { ValueShape } from '../ops/value-shape.js';
export { bytes, matrix, type BytesValue, type MatrixBlock, type TableValue, type Value } from '../data/value.js';
export type { DagSpec, TaskSpec } from '../model/dag-schema.js';
export type { AnnotatedDag, Plan } from '../model/annotated-dag.js';
export type { PlanningAlgorithm, PlanningContext, PlanOutput } from '../plan/planning-algorithm.js';
export type { Sla } from '../metadata/sla.js';
export type { RunReport } from '../report/run-report.js';
export type { SimulationResult } from '../sim/simulator.js';
export { BadInputError, WukongError } from '../model/errors.js';
export { DagValidationError } from '../dag/validate.js';
export { OpFailedError } from '../runtime/call-op.js';
export { loadOps, type OpsOption } from './load-ops.js';
export { validate } from './validate.js';
export { plan, type PlanOptions } from './plan.js';
export { loadHistory, localProfile } from './history.js';
export type { MetadataHistory } from '../metadata/metadata-history.js';
export type { CostProfile } from '../cost/profile.js';
export { simulate, type LibrarySimulationResult, type SimulateOptions } from './simulate.js';
export { openSession, submit, type RunOptions, type Session, type SessionOptions, type SubmitOptions, type SubmitResult } from './submit.js';
