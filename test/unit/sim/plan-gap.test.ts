import { describe, expect, it } from 'vitest';
import { explainPlanGap } from '../../../src/sim/plan-gap.js';

describe('explainPlanGap (issue 15 item 7)', () => {
  it('says nothing within 10 % or without a prediction', () => {
    expect(explainPlanGap(100, 109, 50, 'x')).toBeUndefined();
    expect(explainPlanGap(undefined, 500, 50, 'x')).toBeUndefined();
  });

  it('blames task costs when the simulated critical path alone is off the forecast', () => {
    const gap = explainPlanGap(84, 470, 400, 'tasks: 7 from op cost models');
    expect(gap?.ratio).toBeCloseTo(386 / 84, 9);
    expect(gap?.reason).toMatch(/^task costs differ: .*400\.0 ms; tasks: 7 from op cost models.* exceeds/);
  });

  it('blames the spread of platform latencies when the critical path fits the forecast, and the plan when it over-priced', () => {
    expect(explainPlanGap(100, 200, 5, 'x')?.reason).toMatch(/fits within the forecast.*start-up or Invoke call slower than typical/);
    expect(explainPlanGap(100, 50, 5, 'x')?.reason).toMatch(/^the plan's forecast is higher/);
  });
});
