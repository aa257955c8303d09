import { describe, expect, it } from 'vitest';
import { formatUsdSaving } from '../../../src/cli/format-usd-saving.js';

describe("plan's saving line", () => {
  it('shows a saving of millionths of a dollar to three significant digits, with its share of uniform', () => {
    // An audit's case: a 2.8 % saving on $0.000013 printed as $0.000000.
    expect(formatUsdSaving(0.000013 * 0.028, 0.000013)).toBe("$0.000000364 (2.8 % of uniform's cost) vs uniform ($0.000013)");
    expect(formatUsdSaving(0.0000052, 0.0000128)).toBe("$0.00000520 (40.6 % of uniform's cost) vs uniform ($0.000013)");
    expect(formatUsdSaving(1.5, 3)).toBe("$1.500000 (50.0 % of uniform's cost) vs uniform ($3.000000)");
  });

  it('a saving under 1 % keeps two decimals of percent; none is $0 and 0.00 %', () => {
    expect(formatUsdSaving(0.00001 * 0.004, 0.00001)).toBe("$0.0000000400 (0.40 % of uniform's cost) vs uniform ($0.000010)");
    expect(formatUsdSaving(0, 0.00001)).toBe("$0.000000 (0.00 % of uniform's cost) vs uniform ($0.000010)");
    expect(formatUsdSaving(0, 0)).toBe('$0.000000 vs uniform ($0.000000)');
  });
});
