import { describe, expect, it } from 'vitest';
import { cachedRepeatsWarning } from '../../../src/cli/cached-repeats-warning.js';

describe('cachedRepeatsWarning (replay --cache --repeat)', () => {
  it('warns when both are given: repeats read cached results', () => {
    expect(cachedRepeatsWarning('rc', 3)).toMatch(/^wukong: warning: --cache with --repeat 3: repeats after the first read the results cached .*rc.*cache lookups rather than the work; drop --cache/);
  });

  it('says nothing for one run, no cache, or --no-cache', () => {
    expect(cachedRepeatsWarning('rc', 1)).toBeUndefined();
    expect(cachedRepeatsWarning(undefined, 3)).toBeUndefined();
    expect(cachedRepeatsWarning(false, 3)).toBeUndefined();
  });
});
