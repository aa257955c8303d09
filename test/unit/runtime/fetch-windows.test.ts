import { describe, expect, it } from 'vitest';
import { FetchWindows } from '../../../src/runtime/fetch-windows.js';

describe('FetchWindows (getMs as wall time)', () => {
  it('counts overlapping fetches of one consumer once, from the first start to the last end', () => {
    const windows = new FetchWindows();
    windows.open('c', 0);
    windows.open('c', 10);
    expect(windows.close('c', 100)).toBe(0);
    expect(windows.close('c', 120)).toBe(120);
  });

  it('counts fetches that do not overlap separately, and keeps consumers apart', () => {
    const windows = new FetchWindows();
    windows.open('c', 0);
    windows.open('d', 5);
    expect(windows.close('c', 10)).toBe(10);
    windows.open('c', 50);
    expect(windows.close('c', 55)).toBe(5);
    expect(windows.close('d', 30)).toBe(25);
  });
});
