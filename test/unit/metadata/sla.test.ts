import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';
import type { MetadataRecord } from '../../../src/metadata/records.js';
import { historyFromRecords, emptyHistory } from '../../../src/metadata/metadata-history.js';
import { formatSla, parseSla } from '../../../src/metadata/sla.js';

describe('parseSla', () => {
  it('reads avg, median and pNN', () => {
    expect(parseSla('avg')).toBe('avg');
    expect(parseSla('mean')).toBe('avg');
    expect(parseSla(' Median ')).toBe('median');
    expect(parseSla('p90')).toEqual({ percentile: 90 });
    expect(parseSla('p99.9')).toEqual({ percentile: 99.9 });
    expect(parseSla('p0')).toEqual({ percentile: 0 });
    expect(parseSla('p100')).toEqual({ percentile: 100 });
    expect(parseSla('p50')).toBe('median');
  });

  it('refuses anything else with a message that says what is accepted', () => {
    for (const bad of ['', 'p', 'p101', 'p-5', '90', 'p9O', 'fast', 'p90%']) {
      expect(() => parseSla(bad)).toThrow(BadInputError);
    }
    expect(() => parseSla('p101')).toThrow(/use avg, median, or pNN/);
  });

  it('formatSla reads back through parseSla', () => {
    for (const text of ['avg', 'median', 'p90', 'p99.9', 'p1']) expect(formatSla(parseSla(text))).toBe(text);
  });
});

const taskArb = fc.record({
  inputBytes: fc.integer({ min: 0, max: 10_000_000 }),
  execMs: fc.double({ min: 0, max: 100_000, noNaN: true }),
  outputBytes: fc.integer({ min: 0, max: 10_000_000 }),
  memoryMb: fc.constantFrom(128, 512, 1769, 3008),
});
const transferArb = fc.record({ bytes: fc.integer({ min: 0, max: 100_000_000 }), ms: fc.double({ min: 0, max: 10_000, noNaN: true }) });

describe('SLA ordering: p90 >= median >= p10, always', () => {
  it('holds for every prediction, from any history or none', () => {
    fc.assert(
      fc.property(
        fc.array(taskArb, { maxLength: 25 }),
        fc.array(transferArb, { maxLength: 15 }),
        fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { maxLength: 10 }),
        fc.integer({ min: 0, max: 50_000_000 }),
        fc.double({ min: 0, max: 49, noNaN: true }),
        (tasks, transfers, startups, queryBytes, lowPercentile) => {
          const records: MetadataRecord[] = [
            ...tasks.map((t, i): MetadataRecord => ({ type: 'task', runId: 'r', taskId: i % 2 === 0 ? 'x' : `other-${i}`, op: 'op', taskKey: 'k', worker: { memoryMb: t.memoryMb, vcpu: 1 }, execMs: t.execMs, inputBytes: t.inputBytes, outputBytes: t.outputBytes, at: i })),
            ...transfers.map((t, i): MetadataRecord => ({ type: 'transfer', runId: 'r', store: 's3', direction: 'get', bytes: t.bytes, ms: t.ms, at: i })),
            ...startups.map((ms, i): MetadataRecord => ({ type: 'invoke', runId: 'r', tier: 1024, cold: true, startupMs: ms, at: i })),
          ];
          const predictor = new MetadataPredictor(historyFromRecords(records), [{ taskId: 'x', op: 'op', taskKey: 'k' }, { taskId: 'y', op: 'op', taskKey: 'k' }]);
          const low = { percentile: lowPercentile };
          const high = { percentile: 100 - lowPercentile };
          const configs = [{ memoryMb: 512, vcpu: 1 }, { memoryMb: 3008, vcpu: 2 }];
          for (const taskId of ['x', 'y', 'unknown']) {
            const [lowMs, medianMs, highMs] = [low, 'median' as const, high].map((sla) => predictor.predictExecutionTime(taskId, queryBytes, configs, sla));
            for (let c = 0; c < configs.length; c += 1) {
              expect(lowMs?.[c]?.ms).toBeLessThanOrEqual(medianMs?.[c]?.ms as number);
              expect(medianMs?.[c]?.ms).toBeLessThanOrEqual(highMs?.[c]?.ms as number);
            }
            const sizes = [low, 'median' as const, high].map((sla) => predictor.predictOutputSize(taskId, queryBytes, sla));
            expect(sizes[0]).toBeLessThanOrEqual(sizes[1] as number);
            expect(sizes[1]).toBeLessThanOrEqual(sizes[2] as number);
          }
          const downloads = [low, 'median' as const, high].map((sla) => predictor.predictRemoteDownloadTime(queryBytes, sla));
          expect(downloads[0]).toBeLessThanOrEqual(downloads[1] as number);
          expect(downloads[1]).toBeLessThanOrEqual(downloads[2] as number);
          for (const tier of [1024, 2048]) {
            const starts = [low, 'median' as const, high].map((sla) => predictor.predictColdStartMs(tier, sla));
            expect(starts[0]).toBeLessThanOrEqual(starts[1] as number);
            expect(starts[1]).toBeLessThanOrEqual(starts[2] as number);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('holds for the documented defaults, strictly where they have spread', () => {
    const predictor = new MetadataPredictor(emptyHistory());
    const at = (sla: Parameters<typeof predictor.predictColdStartMs>[1]) => predictor.predictColdStartMs(1769, sla);
    expect(at({ percentile: 10 })).toBeLessThan(at('median'));
    expect(at('median')).toBeLessThan(at({ percentile: 90 }));
    const upload = (sla: Parameters<typeof predictor.predictUploadTime>[1]) => predictor.predictUploadTime(1_000_000, sla, 's3');
    expect(upload({ percentile: 10 })).toBeLessThan(upload('median'));
    expect(upload('median')).toBeLessThan(upload({ percentile: 90 }));
  });
});

describe('degenerate history', () => {
  it('denormal and zero samples give finite, ordered predictions (fast-check found NaN here once)', () => {
    const records: MetadataRecord[] = [0, 1.2274903316011889e-14, 5e-324].map((execMs, i) => ({
      type: 'task', runId: 'r', taskId: 'x', op: 'op', taskKey: 'k', worker: { memoryMb: i === 2 ? 1769 : 128, vcpu: 1 }, execMs, inputBytes: 0, outputBytes: 0, at: i,
    }));
    const predictor = new MetadataPredictor(historyFromRecords(records), [{ taskId: 'x', op: 'op', taskKey: 'k' }]);
    const at = (sla: { percentile: number } | 'median') => predictor.predictExecutionTime('x', 0, [{ memoryMb: 512, vcpu: 1 }], sla)[0]?.ms as number;
    expect(Number.isFinite(at({ percentile: 0 }))).toBe(true);
    expect(at({ percentile: 0 })).toBeLessThanOrEqual(at('median'));
    expect(at('median')).toBeLessThanOrEqual(at({ percentile: 100 }));
  });
});
