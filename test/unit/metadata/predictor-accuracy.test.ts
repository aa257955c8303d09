import { describe, expect, it } from 'vitest';
import { cpuShareOf } from '../../../src/metadata/cpu-share.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import { MetadataPredictor } from '../../../src/metadata/predictor.js';
import type { MetadataRecord } from '../../../src/metadata/records.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

/**
 * Accuracy on synthetic history drawn from a known model: execution time at one vCPU is
 * 20 ms + 30 µs per KB, stretched by the worker's CPU share, with log-normal noise and 10 % of
 * runs 3x slower (stragglers). Training sizes skip 12.5 MB; the predictor must get it within 10 %.
 */
const TIERS_MB = [512, 1024, 1769, 3008];
const trueReferenceMs = (inputBytes: number): number => 20 + 3e-5 * inputBytes;
const trueOutputBytes = (inputBytes: number): number => 0.5 * inputBytes + 1000;
const trueDownloadMs = (bytes: number): number => 15 + bytes / 80_000; // 15 ms + 80 MB/s

function normal(random: () => number): number {
  // Box-Muller.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function syntheticHistory(seed: number, sigma: number, stragglerShare: number): MetadataRecord[] {
  const random = mulberry32(seed);
  const records: MetadataRecord[] = [];
  const trainingSizes = [1, 2, 4, 6, 8, 10, 15, 17.5, 20].map((mb) => mb * 1_000_000);
  for (let i = 0; i < 270; i += 1) {
    const inputBytes = trainingSizes[i % trainingSizes.length] as number;
    const memoryMb = TIERS_MB[Math.floor(random() * TIERS_MB.length)] as number;
    const straggler = random() < stragglerShare ? 3 : 1;
    const noise = Math.exp(sigma * normal(random));
    records.push({
      type: 'task',
      runId: `run-${i % 9}`,
      taskId: `gemm-${i}`,
      op: 'matrix.matmul',
      taskKey: 'matrix.matmul|{}|2000x2000,2000x2000',
      worker: { memoryMb, vcpu: memoryMb / 1769 },
      execMs: (trueReferenceMs(inputBytes) / cpuShareOf({ memoryMb })) * noise * straggler,
      inputBytes,
      outputBytes: Math.round(trueOutputBytes(inputBytes) * Math.exp(sigma * normal(random))),
      at: i,
    });
    records.push({ type: 'transfer', runId: 'r', store: 's3', direction: 'get', bytes: inputBytes, ms: trueDownloadMs(inputBytes) * Math.exp(sigma * normal(random)) * straggler, at: i });
  }
  return records;
}

const relativeError = (predicted: number, truth: number): number => Math.abs(predicted - truth) / truth;

describe('predictor accuracy on synthetic history', () => {
  const heldOutBytes = 12_500_000;
  const predictor = new MetadataPredictor(historyFromRecords(syntheticHistory(11, 0.1, 0.1)), [
    { taskId: 'new-task', op: 'matrix.matmul', taskKey: 'matrix.matmul|{}|2000x2000,2000x2000' },
  ]);

  it('predicts the median execution time at a held-out input size within 10 % on every tier', () => {
    const configs = TIERS_MB.map((memoryMb) => ({ memoryMb, vcpu: memoryMb / 1769 }));
    const explained = predictor.explainExecutionTime('new-task', heldOutBytes, configs, 'median');
    expect(explained.source).toBe('taskKey');
    for (const { config, ms } of explained.estimates) {
      // The median of the noise is 1; the stragglers sit above the median and barely move it.
      expect(relativeError(ms, trueReferenceMs(heldOutBytes) / cpuShareOf(config))).toBeLessThan(0.1);
    }
  });

  it('predicts output size and download time at the held-out size within 10 %', () => {
    expect(relativeError(predictor.predictOutputSize('new-task', heldOutBytes, 'median'), trueOutputBytes(heldOutBytes))).toBeLessThan(0.1);
    expect(relativeError(predictor.predictRemoteDownloadTime(heldOutBytes, 'median', 's3'), trueDownloadMs(heldOutBytes))).toBeLessThan(0.1);
  });

  it("p90 tracks the noise's own p90 within 10 % (no stragglers, log-normal sigma 0.2)", () => {
    const quiet = new MetadataPredictor(historyFromRecords(syntheticHistory(23, 0.2, 0)), [
      { taskId: 'new-task', op: 'matrix.matmul', taskKey: 'matrix.matmul|{}|2000x2000,2000x2000' },
    ]);
    const p90Factor = Math.exp(0.2 * 1.2815515655446004);
    const [estimate] = quiet.predictExecutionTime('new-task', heldOutBytes, [{ memoryMb: 1769, vcpu: 1 }], { percentile: 90 });
    expect(relativeError(estimate?.ms as number, trueReferenceMs(heldOutBytes) * p90Factor)).toBeLessThan(0.1);
    const avg = quiet.predictExecutionTime('new-task', heldOutBytes, [{ memoryMb: 1769, vcpu: 1 }], 'avg')[0]?.ms as number;
    expect(relativeError(avg, trueReferenceMs(heldOutBytes) * Math.exp(0.02))).toBeLessThan(0.1);
  });
});
