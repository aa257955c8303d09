import { describe, expect, it } from 'vitest';
import { formatVerdict, measuresTable, relativeTable, renderTable } from '../../../src/report/bench-format.js';
import { bestWukongByWorkload, isWukongVariant, judgeGoal, median, medianRatios, relativeToBaseline, relativeToBestWukong, type BenchMeasure } from '../../../src/report/bench-table.js';

/** A sim measure with the given makespan and cost; the other fields do not enter the ratios. */
function measure(workload: string, variant: string, makespanMs: number, costUsd: number): BenchMeasure {
  return {
    mode: 'sim',
    workload,
    variant,
    repeats: 1,
    makespanMs,
    costUsd,
    invocations: 10,
    coldStarts: 5,
    bytesMoved: 2 * 1024 * 1024,
    cpuMs: makespanMs / 4,
    peakWorkerMemoryBytes: 3 * 1024 * 1024,
    storageBytes: 1024 * 1024,
    offCriticalPathTransferMs: 7,
    lowerBoundMs: makespanMs / 2,
    makespanOverLowerBound: 2,
    verified: null,
  };
}

describe('bench table math', () => {
  it('median: odd and even counts; none is an error', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow(/no values/);
  });

  it('relativeToBaseline: each variant over wukong on the same workload', () => {
    // Prepare
    const measures = [measure('tr', 'wukong', 1000, 0.01), measure('tr', 'heft', 600, 0.005), measure('gemm', 'wukong', 200, 0.1), measure('gemm', 'heft', 300, 0.2)];
    // Act
    const table = relativeToBaseline(measures);
    // Assess
    expect(table.get('wukong')?.get('tr')).toEqual({ makespanRatio: 1, costRatio: 1 });
    expect(table.get('heft')?.get('tr')).toEqual({ makespanRatio: 0.6, costRatio: 0.5 });
    expect(table.get('heft')?.get('gemm')).toEqual({ makespanRatio: 1.5, costRatio: 2 });
    expect(medianRatios(table.get('heft'))).toEqual({ makespanRatio: 1.05, costRatio: 1.25 });
  });

  it('relativeToBaseline: a workload without a wukong measure gets no ratios; mixed modes are refused', () => {
    const table = relativeToBaseline([measure('tr', 'heft', 600, 0.005)]);
    expect(table.size).toBe(0);
    expect(medianRatios(table.get('heft'))).toBeUndefined();
    expect(() => relativeToBaseline([measure('tr', 'wukong', 1, 1), { ...measure('tr', 'heft', 1, 1), mode: 'embedded' }])).toThrow(/one mode/);
  });

  it('a zero-cost baseline: equal is 1, more is infinite (never a NaN)', () => {
    const table = relativeToBaseline([measure('tr', 'wukong', 100, 0), measure('tr', 'a', 100, 0), measure('tr', 'b', 100, 1)]);
    expect(table.get('a')?.get('tr')?.costRatio).toBe(1);
    expect(table.get('b')?.get('tr')?.costRatio).toBe(Number.POSITIVE_INFINITY);
  });

  it('judgeGoal: met when a planner is >= 25 % faster in the median, no dearer, and never > 5 % slower', () => {
    // Prepare: heft 0.7x, 0.7x, 1.04x (median 0.7); cost 0.9x everywhere
    const measures = ['a', 'b', 'c'].flatMap((w, i) => [measure(w, 'wukong', 1000, 1), measure(w, 'heft', [700, 700, 1040][i]!, 0.9), measure(w, 'wukong-none', 1200, 1.2)]);
    // Act
    const verdict = judgeGoal(relativeToBaseline(measures));
    // Assess
    expect(verdict.met).toBe(true);
    expect(verdict.best?.variant).toBe('heft');
    expect(verdict.best?.medianMakespanReduction).toBeCloseTo(0.3, 10);
    expect(verdict.best?.worstWorkload).toBe('c');
    expect(verdict.planners.map((p) => p.variant)).toEqual(['heft']); // WUKONG variants are not planners
  });

  it('judgeGoal: not met when one workload is > 5 % worse, or when the median cost is higher', () => {
    const slowOnOne = ['a', 'b', 'c'].flatMap((w, i) => [measure(w, 'wukong', 1000, 1), measure(w, 'uniform', [500, 500, 1100][i]!, 0.5)]);
    const dearer = ['a', 'b', 'c'].flatMap((w) => [measure(w, 'wukong', 1000, 1), measure(w, 'uniform', 500, 1.1)]);
    const first = judgeGoal(relativeToBaseline(slowOnOne));
    const second = judgeGoal(relativeToBaseline(dearer));
    expect(first.met).toBe(false);
    expect(first.best?.worstMakespanRatio).toBeCloseTo(1.1, 10);
    expect(second.met).toBe(false);
    expect(second.best?.medianCostRatio).toBeCloseTo(1.1, 10);
  });

  it('judgeGoal: the best planner is the one that meets the goal, even if another is faster in the median', () => {
    const measures = ['a', 'b', 'c'].flatMap((w, i) => [
      measure(w, 'wukong', 1000, 1),
      measure(w, 'fast', [100, 100, 2000][i]!, 1), // 90 % faster in the median, 2x slower on c
      measure(w, 'steady', 700, 1),
    ]);
    const verdict = judgeGoal(relativeToBaseline(measures));
    expect(verdict.planners[0]?.variant).toBe('fast');
    expect(verdict.best?.variant).toBe('steady');
    expect(verdict.met).toBe(true);
  });

  it('judgeGoal: no planner run, nothing met', () => {
    const verdict = judgeGoal(relativeToBaseline([measure('a', 'wukong', 1, 1), measure('a', 'wukong-fanin', 1, 1)]));
    expect(verdict.best).toBeUndefined();
    expect(verdict.met).toBe(false);
    expect(formatVerdict(verdict)).toMatch(/no planner was run/);
  });

  it('best WUKONG per workload: the fastest of the WUKONG variants; planners are judged against it, and against HEFT', () => {
    // Prepare: on gemm WUKONG without optimizations is the faster one; on tr WUKONG with all.
    const measures = [
      measure('tr', 'wukong', 1000, 0.01),
      measure('tr', 'wukong-none', 1200, 0.02),
      measure('gemm', 'wukong', 400, 0.4),
      measure('gemm', 'wukong-none', 200, 0.1),
      measure('tr', 'uniform', 700, 0.01),
      measure('gemm', 'uniform', 180, 0.1),
      measure('tr', 'heft', 800, 0.01),
      measure('gemm', 'heft', 300, 0.1),
    ];
    // Act
    const best = bestWukongByWorkload(measures);
    const table = relativeToBestWukong(measures);
    const verdict = judgeGoal(table);
    // Assess
    expect([...best].map(([w, m]) => `${w}:${m.variant}`)).toEqual(['tr:wukong', 'gemm:wukong-none']);
    expect(table.get('uniform')?.get('gemm')).toEqual({ makespanRatio: 0.9, costRatio: 1 });
    // Against wukong (all) uniform is 0.45x on gemm; against the best variant only 0.9x.
    expect(relativeToBaseline(measures).get('uniform')?.get('gemm')?.makespanRatio).toBeCloseTo(0.45, 12);
    expect(verdict.best?.variant).toBe('uniform');
    expect(verdict.best?.medianMakespanReduction).toBeCloseTo(1 - (0.7 + 0.9) / 2, 12);
    expect(verdict.met).toBe(false);
    expect(verdict.beatsHeft).toBe(true);
    expect(judgeGoal(relativeToBestWukong(measures.filter((m) => m.variant !== 'uniform'))).beatsHeft).toBeUndefined();
  });

  it('isWukongVariant: wukong and wukong-*, not the planners', () => {
    expect(['wukong', 'wukong-none', 'wukong-delayed'].every(isWukongVariant)).toBe(true);
    expect(['uniform', 'heft', 'nonuniform'].some(isWukongVariant)).toBe(false);
  });
});

describe('bench tables', () => {
  const measures = [measure('tr', 'wukong', 1000, 0.01), measure('tr', 'heft', 500, 0.02)];

  it('markdown: a header, a rule with numbers right-aligned, one row per measure', () => {
    const text = measuresTable(measures, 'markdown');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^\| workload \| variant \| makespan \| CPU time \| peak mem\/worker \| storage \| transfer off CP \| cost \|/);
    expect(lines[1]).toMatch(/^\| :?-+ \| :?-+ \| -+: \|/);
    expect(lines[3]).toContain('| heft | 500ms | 125ms | 3.0 MiB | 1.0 MiB | 7ms | $0.0200 |');
  });

  it('relative table: ratios per workload and the median; the verdict names how far the goal is', () => {
    const text = relativeTable(measures, 'text');
    expect(text).toMatch(/heft\s+0\.50x \/ 2\.00x\s+0\.50x \/ 2\.00x/);
    const verdict = formatVerdict(judgeGoal(relativeToBaseline(measures)));
    expect(verdict).toMatch(/heft\s+median makespan 50\.0 % lower, median cost 2\.00x/);
    expect(verdict).toMatch(/goal NOT met; best heft: median makespan target reached, median cost 2\.00x/);
  });

  it('text tables align every row to the same width', () => {
    const lines = renderTable(['name', 'value'], [['a', '1'], ['longer name', '12345']], 'text').trimEnd().split('\n');
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
