import { describe, expect, it } from 'vitest';
import { benchCases, parseBenchSize, parseBenchWorkloads } from '../../../src/cli/bench-cases.js';
import { BENCH_VARIANTS, benchVariant, parseBenchVariants } from '../../../src/cli/bench-variants.js';

describe('bench cases and variants', () => {
  it('paper sizes: the WUKONG-paper-like parameters, tr twice (0 and 500 ms per task), task counts from each formula', () => {
    // Act
    const cases = benchCases(parseBenchWorkloads('tr,gemm,tsqr,svd-square'), 'paper');
    // Assess
    expect(cases.map((c) => c.label)).toEqual(['tr', 'tr-500ms', 'gemm', 'tsqr', 'svd-square']);
    const byLabel = new Map(cases.map((c) => [c.label, c]));
    expect(byLabel.get('tr')?.params).toMatchObject({ elements: 1024, delayMs: 0 });
    expect(byLabel.get('tr-500ms')?.params).toMatchObject({ elements: 1024, delayMs: 500 });
    expect(byLabel.get('gemm')?.params).toMatchObject({ n: 25_000, block: 5000 });
    expect(byLabel.get('tsqr')?.params).toMatchObject({ rows: 4_194_304, cols: 128, blockRows: 131_072 });
    expect(byLabel.get('svd-square')?.params).toMatchObject({ n: 50_000, block: 5000 });
    const counts = cases.map((c) => c.workload.taskCount(c.params));
    expect(counts).toEqual([2047, 2047, 200, 130, 946]);
  });

  it('presets: the workload presets; embedded refuses paper sizes', () => {
    const [gemm] = benchCases(['gemm'], 'small');
    expect(gemm?.params).toMatchObject({ n: 256, block: 128 });
    expect(parseBenchSize('medium', 'embedded', '--embedded-size')).toBe('medium');
    expect(() => parseBenchSize('paper', 'embedded', '--embedded-size')).toThrow(/--embedded-size must be small, medium/);
    expect(() => parseBenchWorkloads('tr,,')).not.toThrow();
    expect(() => parseBenchWorkloads(' , ')).toThrow(/--workloads needs at least one name/);
  });

  it('variants: each WUKONG variant its optimizations; wukong, the baseline, is added first when not named', () => {
    const variants = parseBenchVariants('wukong-fanout,heft,wukong-none');
    expect(variants.map((v) => v.name)).toEqual(['wukong', 'wukong-fanout', 'heft', 'wukong-none']);
    const [all, fanout, heft, none] = variants;
    expect(all).toMatchObject({ kind: 'wukong', wukong: { fanOutClustering: true, fanInClustering: true, delayedIo: true } });
    expect(fanout).toMatchObject({ kind: 'wukong', wukong: { fanOutClustering: true, fanInClustering: false, delayedIo: false } });
    expect(none).toMatchObject({ kind: 'wukong', wukong: { fanOutClustering: false, fanInClustering: false, delayedIo: false } });
    expect(heft).toEqual({ name: 'heft', kind: 'planner', planner: 'heft' });
    expect(() => parseBenchVariants('heft,magic')).toThrow(/unknown variant "magic"/);
  });

  it('the WUKONG variants are all 8 combinations of its three optimizations, each once', () => {
    // Act
    const wukong = BENCH_VARIANTS.map(benchVariant).filter((v) => v.kind === 'wukong');
    // Assess
    const combos = wukong.map((v) => (v.kind === 'wukong' ? `${+v.wukong.fanOutClustering}${+v.wukong.fanInClustering}${+v.wukong.delayedIo}` : ''));
    expect(combos).toHaveLength(8);
    expect(new Set(combos)).toEqual(new Set(['000', '001', '010', '011', '100', '101', '110', '111']));
    expect(benchVariant('wukong-fanin-delayed')).toMatchObject({ kind: 'wukong', wukong: { fanOutClustering: false, fanInClustering: true, delayedIo: true } });
  });
});
