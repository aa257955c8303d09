import { describe, expect, it } from 'vitest';
import { BUILTIN_PLANNERS } from '../../../src/plan/builtin-planners.js';
import { BUILTIN_ALGORITHM_NAMES, BUILTIN_PLANNER_NAMES, isBuiltinAlgorithmName, WUKONG_PLANNER_NAME } from '../../../src/plan/planner-names.js';

describe('planner names', () => {
  it('name exactly the built-in algorithms, each under its own name', () => {
    expect(Object.keys(BUILTIN_PLANNERS).sort()).toEqual([...BUILTIN_ALGORITHM_NAMES].sort());
    for (const name of BUILTIN_ALGORITHM_NAMES) expect(BUILTIN_PLANNERS[name]?.name).toBe(name);
    expect(BUILTIN_PLANNER_NAMES).toEqual([WUKONG_PLANNER_NAME, ...BUILTIN_ALGORITHM_NAMES]);
  });

  it('tell an algorithm name from wukong, paths and inherited names', () => {
    expect(isBuiltinAlgorithmName('heft')).toBe(true);
    expect(isBuiltinAlgorithmName(WUKONG_PLANNER_NAME)).toBe(false);
    expect(isBuiltinAlgorithmName('./heft.js')).toBe(false);
    expect(isBuiltinAlgorithmName('constructor')).toBe(false);
  });
});
