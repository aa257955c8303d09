/**
 * Loader and driver of the WebAssembly SIMD GEMM (gemm.wat, assembled to gemm.wasm by
 * scripts/build-wasm.mjs). The module is compiled synchronously on first use and kept per thread.
 * Operands are copied into its linear memory in the packed layout gemm.wat documents, padded with
 * zeros to multiples of 4 (so the kernel has no edge cases), and the product is copied back out.
 */
import { readFileSync } from 'node:fs';

/** The slice of the WebAssembly JS API used here (the project's TS lib has no DOM/WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GemmExports {
  readonly memory: WasmMemory;
  gemm(ap: number, bp: number, cp: number, m4: number, n4: number, k: number, kcPanel: number, mcBlock: number): void;
}

/** k panel (rows of a packed B strip kept in L1: 256 x 4 doubles = 8 KiB) and row block (A block 64 x 256 = 128 KiB in L2). */
const KC_PANEL = 256;
const MC_BLOCK = 64;
const PAGE_BYTES = 65_536;
/** Beyond this the operands do not fit a 32-bit linear memory comfortably; the caller falls back to JS. */
export const WASM_GEMM_MAX_BYTES = 1.5 * 2 ** 30;

let exportsCache: GemmExports | undefined;

function gemmModule(): GemmExports {
  if (exportsCache) return exportsCache;
  const url = new URL('./gemm.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (error) {
    throw new Error(`the WebAssembly GEMM kernel ${url.pathname} is missing: run \`npm run build\``, { cause: error });
  }
  const instance = new wasmApi.Instance(new wasmApi.Module(bytes), {});
  exportsCache = instance.exports as unknown as GemmExports;
  return exportsCache;
}

const roundUp4 = (value: number): number => (value + 3) & ~3;

/** Bytes of linear memory a product of an m x k by a k x n matrix needs. */
export function wasmGemmBytes(m: number, k: number, n: number): number {
  return 8 * (roundUp4(m) * k + k * roundUp4(n) + roundUp4(m) * roundUp4(n));
}

/**
 * out (m x n, row-major) = a (m x k) * b (k x n); all row-major Float64, except that `aTransposed`
 * says `a` holds Aᵀ (k x m, row-major) instead.
 */
export function gemmWasm(a: Float64Array, b: Float64Array, out: Float64Array, m: number, k: number, n: number, aTransposed = false): void {
  const kernel = gemmModule();
  const m4 = roundUp4(m);
  const n4 = roundUp4(n);
  const apBytes = 8 * m4 * k;
  const bpBytes = 8 * k * n4;
  const needed = apBytes + bpBytes + 8 * m4 * n4;
  const have = kernel.memory.buffer.byteLength;
  if (needed > have) kernel.memory.grow(Math.ceil((needed - have) / PAGE_BYTES));
  const heap = new Float64Array(kernel.memory.buffer);
  if (aTransposed) packColumnStrips(a, heap, 0, k, m);
  else packRowStrips(a, heap, 0, m, k);
  packColumnStrips(b, heap, apBytes / 8, k, n);
  const cBase = (apBytes + bpBytes) / 8;
  heap.fill(0, cBase, cBase + m4 * n4);
  kernel.gemm(0, apBytes, apBytes + bpBytes, m4, n4, k, KC_PANEL, MC_BLOCK);
  for (let i = 0; i < m; i += 1) out.set(heap.subarray(cBase + i * n4, cBase + i * n4 + n), i * n);
}

/** A (m x k) as 4-row strips: strip s, column kk -> the 4 values A[4s..4s+4, kk] (zeros past row m). */
function packRowStrips(a: Float64Array, heap: Float64Array, base: number, m: number, k: number): void {
  let at = base;
  for (let s = 0; s < m; s += 4) {
    const rows = Math.min(4, m - s);
    for (let kk = 0; kk < k; kk += 1) {
      for (let r = 0; r < 4; r += 1) heap[at + r] = r < rows ? a[(s + r) * k + kk]! : 0;
      at += 4;
    }
  }
}

/** B (k x n) as 4-column strips: strip t, row kk -> the 4 values B[kk, 4t..4t+4] (zeros past column n). */
function packColumnStrips(b: Float64Array, heap: Float64Array, base: number, k: number, n: number): void {
  let at = base;
  for (let t = 0; t < n; t += 4) {
    const cols = Math.min(4, n - t);
    for (let kk = 0; kk < k; kk += 1) {
      const row = kk * n + t;
      for (let c = 0; c < 4; c += 1) heap[at + c] = c < cols ? b[row + c]! : 0;
      at += 4;
    }
  }
}
