import { tableFromArrays } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { bytes, matrix, type Value } from '../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { OpInputError } from '../../../src/ops/op-input-error.js';
import { Hash64 } from '../../../src/ops/synthetic/value-hash.js';
import { asBytes } from './matrix-assertions.js';

const registry = createBuiltinRegistry();

async function run(op: string, inputs: Value[], rawArgs: unknown = {}): Promise<Value[]> {
  const def = registry.get(op);
  return def.run(inputs, def.args.parse(rawArgs));
}

async function work(inputs: Value[], args: Record<string, unknown> = {}): Promise<string> {
  const [out] = await run('synthetic.work', inputs, { ms: 0, outputBytes: 64, ...args });
  return Buffer.from(asBytes(out)).toString('hex');
}

const b = (...xs: number[]): Value => bytes(Uint8Array.from(xs));

describe('synthetic.work', () => {
  it('returns identical bytes for identical inputs and args', async () => {
    const inputs = [b(1, 2, 3), matrix(2, 2, Float64Array.of(1, 2, 3, 4))];
    expect(await work(inputs)).toBe(await work([b(1, 2, 3), matrix(2, 2, Float64Array.of(1, 2, 3, 4))]));
  });

  it('returns different bytes when any input is changed, dropped, reordered or reshaped', async () => {
    const reference = await work([b(1, 2, 3), b(4, 5)]);
    const variants = [
      await work([b(1, 2, 3), b(4, 6)]),
      await work([b(4, 5), b(1, 2, 3)]),
      await work([b(1, 2, 3)]),
      await work([b(1, 2), b(3, 4, 5)]),
      await work([b(1, 2, 3), b(4, 5), b()]),
      await work([]),
    ];
    for (const variant of variants) expect(variant).not.toBe(reference);
    expect(new Set(variants).size).toBe(variants.length);
    // A matrix's shape is part of what is hashed, not only its numbers.
    const data = Float64Array.of(1, 2, 3, 4, 5, 6);
    expect(await work([matrix(2, 3, data)])).not.toBe(await work([matrix(3, 2, data)]));
  });

  it('hashes table inputs by their content', async () => {
    const t1 = { kind: 'table', table: tableFromArrays({ x: Int32Array.of(1, 2) }) } as const;
    const t2 = { kind: 'table', table: tableFromArrays({ x: Int32Array.of(1, 3) }) } as const;
    expect(await work([t1])).toBe(await work([{ kind: 'table', table: tableFromArrays({ x: Int32Array.of(1, 2) }) }]));
    expect(await work([t1])).not.toBe(await work([t2]));
  });

  it('hashes unaligned byte views exactly like aligned copies', async () => {
    const backing = Uint8Array.from({ length: 103 }, (_, i) => (i * 37) & 0xff);
    const unaligned = bytes(backing.subarray(1, 102));
    expect(await work([unaligned])).toBe(await work([bytes(backing.slice(1, 102))]));
  });

  it('depends on its args', async () => {
    const inputs = [b(9)];
    expect(await work(inputs, { ms: 0 })).not.toBe(await work(inputs, { ms: 1 }));
    const short = await work(inputs, { outputBytes: 13 });
    expect(short).toHaveLength(26);
    expect(short).not.toBe((await work(inputs)).slice(0, 26));
  });

  it('outputs exactly outputBytes bytes, 8 by default, zero allowed', async () => {
    for (const outputBytes of [0, 1, 3, 4, 5, 1 << 20]) {
      const [out] = await run('synthetic.work', [], { ms: 0, outputBytes });
      expect(asBytes(out).length).toBe(outputBytes);
    }
    expect(asBytes((await run('synthetic.work', [], { ms: 0 }))[0]).length).toBe(8);
  });

  it('fills large outputs with varied bytes, not a repeated pattern', async () => {
    const [out] = await run('synthetic.work', [b(1)], { ms: 0, outputBytes: 1 << 20 });
    const data = asBytes(out);
    const counts = new Array<number>(256).fill(0);
    for (const x of data) counts[x]! += 1;
    // 4096 expected per value for uniform bytes; any systematic bias would show far outside this.
    expect(Math.min(...counts)).toBeGreaterThan(3500);
    expect(Math.max(...counts)).toBeLessThan(4700);
  });

  it('spin mode returns synchronously after at least ms', () => {
    const def = registry.get('synthetic.work');
    const startMs = performance.now();
    const result = def.run([], def.args.parse({ ms: 30, mode: 'spin' }));
    expect(Array.isArray(result)).toBe(true);
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(30);
  });

  it('sleep mode resolves after at least ms, with deterministic bytes', async () => {
    const startMs = performance.now();
    const [slept] = await run('synthetic.work', [b(1)], { ms: 30, mode: 'sleep' });
    expect(performance.now() - startMs).toBeGreaterThanOrEqual(29);
    expect(asBytes(slept)).toHaveLength(8);
    const [again] = await run('synthetic.work', [b(1)], { ms: 30, mode: 'sleep' });
    expect(asBytes(again)).toEqual(asBytes(slept));
  });
});

describe('synthetic.bytes', () => {
  it('is deterministic per seed, differs across seeds, and pins its stream', async () => {
    const hex = async (args: unknown): Promise<string> => Buffer.from(asBytes((await run('synthetic.bytes', [], args))[0])).toString('hex');
    expect(await hex({ bytes: 10, seed: 42 })).toBe('2a5ae869d0fa43f85f18');
    expect(await hex({ bytes: 10, seed: 42 })).toBe(await hex({ bytes: 10, seed: 42 }));
    expect(await hex({ bytes: 10, seed: 43 })).not.toBe(await hex({ bytes: 10, seed: 42 }));
    expect(await hex({ bytes: 0 })).toBe('');
    // A shorter output is a prefix of a longer one with the same seed.
    expect((await hex({ bytes: 100, seed: 42 })).startsWith(await hex({ bytes: 10, seed: 42 }))).toBe(true);
  });
});

describe('synthetic.concat', () => {
  it('concatenates its inputs in order', async () => {
    const [out] = await run('synthetic.concat', [b(1, 2), b(), b(3)]);
    expect(Array.from(asBytes(out))).toEqual([1, 2, 3]);
  });

  it('rejects non-bytes inputs, naming the input', async () => {
    await expect(run('synthetic.concat', [b(1), matrix(1, 2)])).rejects.toThrow(OpInputError);
    await expect(run('synthetic.concat', [b(1), matrix(1, 2)])).rejects.toThrow('synthetic.concat: input 1 must be bytes, got a 1x2 matrix');
  });
});

describe('Hash64 strings', () => {
  // Digests from the encoder-per-string implementation: reference runs and recorded outputs
  // depend on these bytes, so how strings are encoded may change but what they hash to may not.
  it.each([
    ['synthetic.work', '14c6fb532adfd0f9'],
    ['[0,8,"spin"]', 'b2df8e28a7c6cfba'],
    ['héllo wörld ✓', '3381015b457b6e15'],
    ['é'.repeat(200), '597e63751c7df223'],
    ['x'.repeat(300), 'f19f988012d07760'],
    ['é'.repeat(300), 'ced6524024f640be'],
  ])('hashes %j as its UTF-8 bytes', (text, digest) => {
    expect(new Hash64().updateString(text).updateInteger(3).digest().toString(16)).toBe(digest);
  });
});
