import { describe, expect, it } from 'vitest';
import { OutputSizes } from '../../../src/dag/output-sizes.js';

const dag = {
  children: (id: string) => (id === 'q' ? ['a', 'b'] : []),
  inputRefs: (id: string) => (id === 'a' ? [{ taskId: 'q', output: 0 }] : id === 'b' ? [{ taskId: 'q', output: 2 }] : []),
};

describe('OutputSizes (per-output transfers in the simulator)', () => {
  it('splits a total by the known shares', () => {
    const sizes = new OutputSizes(dag, (id) => (id === 'q' ? [0.7, 0.2, 0.1] : undefined));
    expect(sizes.bytesOf('q', 1000, [2])).toBe(100);
    expect(sizes.bytesOf('q', 1000, [0, 1])).toBe(900);
    expect(sizes.bytesOf('q', 1000, undefined)).toBe(1000);
  });

  it('without shares, splits evenly over the outputs the consumers reference', () => {
    const sizes = new OutputSizes(dag, undefined);
    // Refs name outputs 0 and 2: at least three outputs.
    expect(sizes.bytesOf('q', 900, [2])).toBe(300);
    expect(sizes.bytesOf('x', 900, [0])).toBe(900);
  });
});
