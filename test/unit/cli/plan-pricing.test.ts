import { describe, expect, it } from 'vitest';
import { describeHistoryPricing } from '../../../src/cli/plan-pricing.js';

const none = { tasks: 0, transfers: 0, invokes: 0 };

describe('describeHistoryPricing (plan\'s costs line)', () => {
  it('--no-metadata: hints and defaults, and no history claimed for transfers and start-ups', () => {
    const line = describeHistoryPricing(undefined);
    expect(line).toMatch(/^no history \(--no-metadata\): tasks from DAG hints and op shapes, else built-in defaults \(10 ms a task\)/);
    expect(line).toMatch(/transfers and start-ups from built-in defaults \(the aws profile's latencies: a cold start 250 ms median, 600 ms p90\)$/);
    expect(line).not.toMatch(/history at|same history/);
  });

  it('a store with nothing recorded (or no directory) is named as empty, not as history', () => {
    const line = describeHistoryPricing({ where: '/p/.wukong/metadata', records: none });
    expect(line).toMatch(/^no history \(nothing recorded at \/p\/\.wukong\/metadata\)/);
    expect(line).toMatch(/transfers and start-ups from built-in defaults/);
  });

  it('history with task records only: tasks from it, transfers and start-ups from defaults', () => {
    const line = describeHistoryPricing({ where: 'h', records: { ...none, tasks: 20 } });
    expect(line).toMatch(/^history at h, 20 records: tasks from its 20 task records/);
    expect(line).toMatch(/transfers from built-in defaults .* \(no transfer records\)/);
    expect(line).toMatch(/start-ups from built-in defaults .* \(no start-up records\)$/);
  });

  it('history with every kind: each credited with its own count', () => {
    const line = describeHistoryPricing({ where: 'h', records: { tasks: 20, transfers: 40, invokes: 2 } });
    expect(line).toMatch(/^history at h, 62 records: /);
    expect(line).toMatch(/transfers from its 40 transfer records; start-ups from its 2 start-up records$/);
  });
});
