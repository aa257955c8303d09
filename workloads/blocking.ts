/** The sizes of consecutive blocks of at most `blockSize` covering `total` (the last may be short). */
export function blockSizes(total: number, blockSize: number): number[] {
  if (!(total >= 1 && blockSize >= 1)) throw new RangeError(`blockSizes needs total and blockSize >= 1, got ${total}, ${blockSize}`);
  const sizes: number[] = [];
  for (let start = 0; start < total; start += blockSize) sizes.push(Math.min(blockSize, total - start));
  return sizes;
}

/** Where each block starts, given the block sizes. */
export function blockOffsets(sizes: readonly number[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const size of sizes) {
    offsets.push(at);
    at += size;
  }
  return offsets;
}
