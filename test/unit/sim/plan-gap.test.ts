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

  it('a plan file priced for other costs (history, another profile) is named as the reason, ahead of latency spread', () => {
    const fromHistory = explainPlanGap(71.6, 484.6, 1, 'x', { pricedFrom: { description: 'history at h, 63 records' }, simulatedProfile: 'aws' });
    expect(fromHistory?.reason).toMatch(/^the plan was priced for other costs than this simulation's: its forecast from history at h, 63 records; the simulation from profile aws/);
    expect(fromHistory?.reason).toMatch(/plan with --profile aws/);
    expect(fromHistory?.reason).not.toMatch(/spread of platform latencies/);
    const otherProfile = explainPlanGap(100, 60, 5, 'x', { pricedFrom: { profile: 'aws', description: 'profile aws: …' }, simulatedProfile: 'deterministic' });
    expect(otherProfile?.reason).toMatch(/^the plan was priced for other costs .*profile aws: …; the simulation from profile deterministic/);
  });

  it('a plan file priced at the simulation\'s profile keeps the usual reasons; one that records nothing says so', () => {
    expect(explainPlanGap(100, 200, 5, 'x', { pricedFrom: { profile: 'aws', description: 'profile aws' }, simulatedProfile: 'aws' })?.reason).toMatch(/^the simulated critical path of run times fits within the forecast/);
    expect(explainPlanGap(100, 200, 5, 'x', { pricedFrom: undefined, simulatedProfile: 'aws' })?.reason).toMatch(/spread of platform latencies.*\(the plan file does not record what its forecast was priced from; if not from profile aws/);
  });
});
