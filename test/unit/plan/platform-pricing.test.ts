import { describe, expect, it } from 'vitest';
import type { MetadataAccess } from '../../../src/metadata/metadata-access.js';
import { pricedByPlatform } from '../../../src/plan/platform-pricing.js';

describe('pricedByPlatform', () => {
  const recorded: MetadataAccess = {
    predictExecutionTime: (_id, _bytes, configs) => configs.map((config) => ({ config, ms: 999 })),
    predictOutputSize: () => 999,
    predictRemoteDownloadTime: (bytes) => bytes / 10,
    predictUploadTime: (bytes) => bytes / 20,
    predictColdStartMs: (tier) => tier / 10,
    predictWarmStartMs: (tier) => tier / 100,
  };
  const pricing = { execMs: (id: string, mb: number) => (id === 'a' ? 100 : 7) * (1769 / Math.min(mb, 1769)), outputBytes: (id: string) => (id === 'a' ? 8 : 16), description: 'test prices' };

  it('answers run times per tier and output sizes from the platform, the rest from the history', () => {
    const priced = pricedByPlatform(recorded, pricing);
    const configs = [{ memoryMb: 1769 / 2, vcpu: 0.5 }, { memoryMb: 3008, vcpu: 1.7 }];
    expect(priced.predictExecutionTime('a', undefined, configs).map((e) => e.ms)).toEqual([200, 100]);
    expect(priced.predictOutputSize('b', 123)).toBe(16);
    expect(priced.predictUploadTime(200)).toBe(10);
    expect(priced.predictRemoteDownloadTime(200)).toBe(20);
    expect(priced.predictColdStartMs(1000)).toBe(100);
    expect(priced.predictWarmStartMs(1000)).toBe(10);
  });
});
