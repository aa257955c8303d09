import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sweepIntervalMs, TtlMap } from '../../../src/storage/memory/ttl-map.js';

describe('TtlMap', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires an entry ttlSeconds after its last write, not its first', () => {
    // Prepare
    const map = new TtlMap<string>(10);
    map.set('k', 'v1');
    vi.advanceTimersByTime(8_000);
    map.set('k', 'v2');
    // Act / Assess
    vi.advanceTimersByTime(8_000);
    expect(map.get('k')).toBe('v2');
    expect(map.ttlMs('k')).toBe(2_000);
    vi.advanceTimersByTime(2_000);
    expect(map.get('k')).toBeUndefined();
    expect(map.ttlMs('k')).toBe(-2);
  });

  it('lists and deletes by prefix, counting only live entries', () => {
    const map = new TtlMap<number>(5);
    map.set('run/a', 1);
    vi.advanceTimersByTime(3_000);
    map.set('run/b', 2);
    map.set('other/c', 3);
    vi.advanceTimersByTime(3_000); // run/a has expired, unread
    expect(map.keys('run/')).toEqual(['run/b']);
    expect(map.deletePrefix('run/')).toBe(1);
    expect(map.keys('')).toEqual(['other/c']);
  });

  it('sweep drops expired entries and keeps live ones', () => {
    const map = new TtlMap<number>(1);
    map.set('old', 1);
    vi.advanceTimersByTime(1_500);
    map.set('new', 2);
    map.sweep();
    expect(map.deletePrefix('')).toBe(1);
  });

  it('sweeps at most every minute, and as often as a short TTL', () => {
    expect(sweepIntervalMs(86_400)).toBe(60_000);
    expect(sweepIntervalMs(2)).toBe(2_000);
    expect(sweepIntervalMs(0)).toBe(100);
  });
});
