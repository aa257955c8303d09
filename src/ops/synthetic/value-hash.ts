import { tableToIPC } from 'apache-arrow';
import type { Value } from '../../data/value.js';
import { IS_LITTLE_ENDIAN } from '../random/xoshiro128-star-star.js';

const UTF8 = new TextEncoder();
/** At most 3 UTF-8 bytes per UTF-16 unit: a string up to a third of this long always fits. */
const SCRATCH = new Uint8Array(768);

/**
 * A fast, non-cryptographic 64-bit hash of values, so that synthetic ops produce bytes that depend
 * on exactly what they were given: two MurmurHash3-style 32-bit lanes with different constants over
 * little-endian 32-bit words, finalized together like MurmurHash3 x86_128. It only has to make
 * mis-wired inputs visible in tests, at about a millisecond per megabyte.
 *
 * Framing: every chunk is preceded by its kind and length, so chunk boundaries cannot alias.
 */
export class Hash64 {
  private h1 = 0x2545f491;
  private h2 = 0x6b43a9b5;
  private chunks = 0;

  /** Mixes in one unsigned 32-bit integer. */
  updateUint32(word: number): this {
    this.mix(word | 0);
    return this;
  }

  /** Mixes in a non-negative safe integer (lengths, shapes) as two 32-bit words. */
  updateInteger(n: number): this {
    this.mix(n % 4294967296 | 0);
    this.mix(Math.floor(n / 4294967296) | 0);
    return this;
  }

  /** Mixes in a length-prefixed byte string. */
  updateBytes(bytes: Uint8Array): this {
    this.chunks += 1;
    this.updateInteger(bytes.length);
    const wordCount = bytes.length >>> 2;
    if (IS_LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
      const words = new Uint32Array(bytes.buffer, bytes.byteOffset, wordCount);
      for (let i = 0; i < wordCount; i += 1) this.mix(words[i]! | 0);
    } else {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < wordCount; i += 1) this.mix(view.getInt32(i * 4, true));
    }
    let tail = 0;
    for (let i = bytes.length - 1; i >= wordCount * 4; i -= 1) tail = (tail << 8) | bytes[i]!;
    if (bytes.length % 4 !== 0) this.mix(tail);
    return this;
  }

  /** Mixes in a string as its UTF-8 bytes. */
  updateString(text: string): this {
    // Short strings (op names, args) are encoded into one scratch buffer: a synthetic no-op task
    // hashes a few per run, and an encoder and an array for each were a visible part of its cost.
    if (text.length * 3 > SCRATCH.length) return this.updateBytes(UTF8.encode(text));
    const { written } = UTF8.encodeInto(text, SCRATCH);
    return this.updateBytes(SCRATCH.subarray(0, written));
  }

  /** Mixes in a value: its kind, its shape (matrices), then its bytes (Float64 bytes; Arrow IPC). */
  updateValue(value: Value): this {
    switch (value.kind) {
      case 'matrix': {
        this.updateString('matrix').updateInteger(value.rows).updateInteger(value.cols);
        const data = value.data;
        return this.updateBytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      }
      case 'bytes':
        return this.updateString('bytes').updateBytes(value.data);
      case 'table':
        return this.updateString('table').updateBytes(tableToIPC(value.table, 'stream'));
    }
  }

  /** The 64-bit digest as an unsigned BigInt (the hash can keep being updated afterwards). */
  digest(): bigint {
    let h1 = this.h1 ^ this.chunks;
    let h2 = this.h2 ^ this.chunks;
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    h1 = fmix32(h1);
    h2 = fmix32(h2);
    h1 = (h1 + h2) | 0;
    h2 = (h2 + h1) | 0;
    return (BigInt(h1 >>> 0) << 32n) | BigInt(h2 >>> 0);
  }

  private mix(word: number): void {
    let k1 = Math.imul(word, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    let h1 = this.h1 ^ k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;

    let k2 = Math.imul(word, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    let h2 = this.h2 ^ k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x52dce729) | 0;
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
