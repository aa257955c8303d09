import { describe, expect, it } from 'vitest';
import { opColor, opColors } from '../../../src/report/html/op-colors.js';

describe('op colours', () => {
  it('an op has the same colour whatever else is on the page and however often it runs', () => {
    const gemmPage = opColors(['matrix.random', 'matrix.random', 'matrix.matmul', 'matrix.add']);
    const qrPage = opColors(['matrix.qr', 'matrix.matmul', 'matrix.matmul', 'matrix.matmul', 'matrix.transpose', 'matrix.qr']);
    expect(gemmPage.get('matrix.matmul')).toBe(qrPage.get('matrix.matmul'));
    expect(gemmPage.get('matrix.matmul')).toBe(opColor('matrix.matmul'));
  });

  it('gives the ops of one page distinct colours, even when names collide in the palette', () => {
    const ops = Array.from({ length: 30 }, (_, i) => `op.${i}`);
    const colors = opColors(ops);
    expect(new Set(colors.values()).size).toBe(30);
  });
});
