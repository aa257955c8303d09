import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';
import { emptyHistory } from '../../../src/metadata/metadata-history.js';
import { predictorForDag } from '../../../src/metadata/dag-descriptors.js';
import { buildOpRegistry } from '../../../src/ops/user-ops.js';
import { createCostModelEstimator } from '../../../src/sim/cost-model-estimator.js';
import { withPlatformComputeTimes } from '../../../src/cli/platform-task-costs.js';
import { findWorkload, resolveParams } from '../../../workloads/index.js';
import { generateValidDag } from '../../../workloads/replay-runner.js';

describe('planning for a known platform: compute times at its kernel rates', () => {
  it('without history, a task with an op cost model is predicted as the simulator runs it, on every tier', () => {
    // Prepare: TSQR at its small preset; no history, so the predictor alone falls back to its default.
    const workload = findWorkload('tsqr')!;
    const model = Dag.fromSpec(generateValidDag(workload, resolveParams(workload, { size: 'small' })));
    const ops = buildOpRegistry();
    const predictor = predictorForDag(model, ops, emptyHistory());
    const estimator = createCostModelEstimator(model, ops, AWS_PROFILE);
    const metadata = withPlatformComputeTimes(predictor, estimator, AWS_PROFILE);
    const priced = [...estimator.estimates].filter(([, e]) => e.timeSource === 'cost model').map(([id]) => id);
    expect(priced.length).toBeGreaterThan(0);
    const configs = [{ memoryMb: 885, vcpu: 0.5 }, { memoryMb: 1769, vcpu: 1 }];
    // Act, Assess
    for (const id of priced) {
      const planned = metadata.predictExecutionTime(id, undefined, configs).map((e) => e.ms);
      expect(planned[0]).toBeCloseTo(estimator.execMs(id, 885), 9);
      expect(planned[1]).toBeCloseTo(estimator.execMs(id, 1769), 9);
    }
    // Some task's cost model answer differs from the history-less predictor's, or the wrapper did nothing.
    const differs = priced.some((id) => Math.abs(predictor.predictExecutionTime(id, undefined, configs)[1]!.ms - estimator.execMs(id, 1769)) > 1e-6);
    expect(differs).toBe(true);
    // Everything else is the predictor's.
    expect(metadata.predictOutputSize(priced[0]!, undefined)).toBe(predictor.predictOutputSize(priced[0]!, undefined));
    expect(metadata.predictColdStartMs(1769)).toBe(predictor.predictColdStartMs(1769));
  });
});
