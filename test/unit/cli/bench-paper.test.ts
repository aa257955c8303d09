import { describe, expect, it } from 'vitest';
import { comparePaper, formatPaperTable, paperBenchCases } from '../../../src/cli/bench-paper.js';
import { BenchProgress } from '../../../src/cli/bench-progress.js';

describe('bench --paper', () => {
  it("runs SVD2 as the paper's example does: svd_compressed(X, k=5) with Dask's default of no power iteration", () => {
    const svd2 = paperBenchCases().find((c) => c.workload.name === 'svd-square');
    expect(svd2?.params).toMatchObject({ n: 50_000, block: 5000, rank: 5, powerIterations: 0 });
  });

  it("simulates the SoCC'20 cases at the paper's sizes and sets each beside the paper's figure", async () => {
    const comparison = await comparePaper({ profile: 'aws-blas', repeats: 1, progress: new BenchProgress(9) });
    expect(comparison.rows.map((r) => r.label)).toEqual([
      'TR 1,024, 0 ms, all',
      'TR 1,024, 500 ms, all',
      'GEMM 25k (5k blocks), all',
      'SVD2 50k, clustering only, speed-up over none',
      'SVD2 50k, delayed I/O only, speed-up over none',
      'SVD2 50k, all, speed-up over none',
    ]);
    const tr500 = comparison.rows[1];
    // The paper's shape: 512 leaves, then 9 levels of 500 ms reductions: at least 4.5 s whatever the platform costs.
    expect(comparison.measures.find((m) => m.workload === 'tr-500ms')).toBeDefined();
    expect(tr500?.ours).toBeGreaterThan(4.5);
    // A speed-up row is none's makespan over the variant's.
    const none = comparison.measures.find((m) => m.workload === 'svd-square' && m.variant === 'none')?.makespanMs ?? Number.NaN;
    const all = comparison.rows[5];
    expect(all?.ours).toBeCloseTo(none / 1000 / (all?.oursSeconds ?? Number.NaN), 9);
    const table = formatPaperTable(comparison, 'aws-blas', 1);
    expect(table).toContain('| TR 1,024, 500 ms, all | ~7.00 s |');
    expect(table).toMatch(/SVD2 50k, all, speed-up over none: at least 3x: (met|missed)/);
    expect(table).toContain("the paper's driver: 17 Invoke calls in flight, TR as 512 leaf tasks");
  }, 60_000);
});
