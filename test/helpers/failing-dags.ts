/**
 * A DAG that fails in its run, not in validation: a matmul of two 2x3 matrices (inner dimensions
 * differ) at task c, after two sources that succeed. For tests of how failures are reported.
 */
export const BAD_SHAPES_DAG = {
  name: 'bad-shapes',
  tasks: [
    { id: 'a', op: 'matrix.random', args: { rows: 2, cols: 3, seed: 1 } },
    { id: 'b', op: 'matrix.random', args: { rows: 2, cols: 3, seed: 2 } },
    { id: 'c', op: 'matrix.matmul', deps: ['a', 'b'] },
  ],
} as const;
