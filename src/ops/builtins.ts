import { matrixAdd, matrixMatmul, matrixScale, matrixSub, matrixSum } from './matrix/arithmetic.js';
import { matrixFill, matrixIdentity, matrixRandom } from './matrix/constructors.js';
import { matrixQr, matrixSvd } from './matrix/factorizations.js';
import { matrixHstack, matrixSlice, matrixTranspose, matrixVstack } from './matrix/layout-ops.js';
import type { OpDefinition } from './op-definition.js';
import { OpRegistry } from './registry.js';
import { svcMakeChunk, svcPredict, svcTrainChunk } from './svc/svc-ops.js';
import { syntheticBytes } from './synthetic/bytes.js';
import { syntheticConcat } from './synthetic/concat.js';
import { syntheticWork } from './synthetic/work.js';
import { TABLE_OPS } from './table/index.js';

/**
 * Every op an executor knows without plug-ins. Args convention (see ./define-op.ts): args omitted in
 * DAG JSON mean `{}`; each schema is a strict object that accepts `{}` when nothing is required.
 */
export const BUILTIN_OPS: readonly OpDefinition[] = Object.freeze([
  syntheticWork,
  syntheticBytes,
  syntheticConcat,
  matrixRandom,
  matrixFill,
  matrixIdentity,
  matrixAdd,
  matrixSub,
  matrixMatmul,
  matrixScale,
  matrixSum,
  matrixTranspose,
  matrixVstack,
  matrixHstack,
  matrixSlice,
  matrixQr,
  matrixSvd,
  svcMakeChunk,
  svcTrainChunk,
  svcPredict,
  ...TABLE_OPS,
]);

/** A fresh registry holding the built-in ops (callers may register more on it). */
export function createBuiltinRegistry(): OpRegistry {
  return new OpRegistry(BUILTIN_OPS);
}
